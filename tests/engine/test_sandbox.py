"""The bubblewrap sandbox itself: namespaces, what a command sees, its limits, and how it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from sandboxing import reachable_dir, require_sandbox

from simulator.real.sandbox import Limits, Sandbox, SandboxUnavailable, find_sandbox, forget_checks

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]
RUN = f"{os.getpid() % 10**6:06d}"


@pytest.fixture
def sandbox() -> Sandbox:
    return require_sandbox()


@pytest.fixture
def work(sandbox: Sandbox):
    with reachable_dir() as folder:
        sandbox.prepare(folder)
        yield folder


def sh(sandbox: Sandbox, work: Path, command: str, timeout: float = 30) -> tuple[int, str]:
    proc = sandbox.popen(command, work, env=None, stdout=subprocess.PIPE)
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode("utf-8", "replace")


def alive(marker: str) -> int:
    n = 0
    for p in psutil.process_iter(["cmdline", "status"]):
        try:
            if p.info["status"] != psutil.STATUS_ZOMBIE and (p.info["cmdline"] or [])[:2] == ["sleep", marker]:
                n += 1
        except psutil.Error:
            pass
    return n


# -- namespaces and what is visible ----------------------------------------------------------------------
def test_new_pid_user_ipc_net_uts_and_cgroup_namespaces(sandbox, work):
    code, out = sh(sandbox, work, "for n in pid user ipc net uts cgroup mnt; do echo $n $(readlink /proc/self/ns/$n); done")
    assert code == 0
    inside = dict(line.split(" ", 1) for line in out.splitlines())
    for name, value in inside.items():
        assert value != os.readlink(f"/proc/self/ns/{name}"), name


def test_the_command_sees_only_its_own_processes_and_no_network(sandbox, work):
    code, out = sh(sandbox, work, "ls /proc | grep -c '^[0-9]'; cat /proc/net/dev | tail -n +3 | cut -d: -f1; "
                                  f"test -e /proc/{os.getpid()} && echo server-visible || echo server-hidden")
    lines = out.split()
    assert int(lines[0]) <= 4  # bubblewrap's init, the shell, ls and grep
    assert lines[1:-1] == ["lo"] and lines[-1] == "server-hidden"


def test_no_capabilities_no_new_privileges_and_an_unprivileged_user(sandbox, work):
    _, out = sh(sandbox, work, "grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status; id -u; whoami; "
                               "unshare -U true 2>&1 || echo no-new-userns")
    assert "CapEff:\t0000000000000000" in out and "CapBnd:\t0000000000000000" in out and "NoNewPrivs:\t1" in out
    assert "\n1000\nagent\n" in out and "no-new-userns" in out


def test_the_system_is_read_only_and_only_the_work_directory_is_writable(sandbox, work):
    code, out = sh(sandbox, work, "for d in /usr /etc / /dev /proc .; do touch $d/probe 2>/dev/null && echo $d rw "
                                  "|| echo $d ro; done; echo x > /tmp/t && echo tmp rw")
    assert out.split("\n")[:6] == ["/usr ro", "/etc ro", "/ ro", "/dev ro", "/proc ro", ". rw"] and "tmp rw" in out
    assert (work / "probe").exists()


def test_the_app_the_hosts_tmp_homes_and_other_sessions_are_not_there(sandbox, work):
    with reachable_dir() as other:
        sandbox.prepare(other)
        (other / "theirs.txt").write_text("another session's file")
        secret = ROOT / ".streamlit" / "secrets.toml"
        _, out = sh(sandbox, work, f"for p in {other}/theirs.txt {ROOT} {secret} {ROOT}/simulator /root /home "
                                   "/etc/shadow /var /opt /run; do test -e $p && echo $p VISIBLE; done; "
                                   "ls /tmp | wc -l; echo end")
    assert "VISIBLE" not in out, out
    assert out.split()[-2:] == ["1", "end"]  # the host's /tmp is not this /tmp: only the work directory's mount point


def test_the_environment_holds_no_server_variable(sandbox, work, monkeypatch):
    monkeypatch.setenv("S08_SOMETHING_PRIVATE", "server-only")
    proc = sandbox.popen("env", work, env=dict(os.environ), stdout=subprocess.PIPE)
    out = proc.communicate(timeout=30)[0].decode()
    names = {line.split("=", 1)[0] for line in out.splitlines() if "=" in line}
    assert "S08_SOMETHING_PRIVATE" not in names and f"HOME={work}" in out
    assert names <= {"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "VIRTUAL_ENV", "HOME", "TMPDIR", "USER", "LOGNAME",
                     "SHELL", "PWD", "SHLVL", "_", "OLDPWD"} | {n for n in names if n.startswith("LC_")}


def test_descriptors_of_the_server_are_not_inherited(sandbox, work):
    r, w = os.pipe()
    os.set_inheritable(w, True)  # even an inheritable one
    try:
        _, out = sh(sandbox, work, "ls /proc/self/fd")
    finally:
        os.close(r)
        os.close(w)
    assert sorted(int(x) for x in out.split()) <= [0, 1, 2, 3]  # stdin, stdout, stderr and ls's own listing


# -- limits ------------------------------------------------------------------------------------------------
def test_each_task_has_its_limits(work):
    limits = Limits(processes=40, address_space_bytes=1 << 30, file_size_bytes=5 << 20, cpu_seconds=2,
                    open_files=64)
    sandbox = Sandbox(limits)
    _, out = sh(sandbox, work, "prlimit --noheadings --output RESOURCE,SOFT,HARD")
    table = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    assert table["NPROC"] == ["40", "40"] and table["NOFILE"] == ["64", "64"] and table["CPU"] == ["2", "2"]
    assert table["AS"] == [str(1 << 30)] * 2 and table["FSIZE"] == [str(5 << 20)] * 2
    code, out = sh(sandbox, work, "head -c 10M /dev/zero > big; echo $?; stat -c %s big")
    assert out.split()[-1] == str(5 << 20)  # the write stopped at the file-size limit
    started = time.monotonic()
    code, _ = sh(sandbox, work, "while :; do :; done")
    assert code != 0 and time.monotonic() - started < 10  # killed at 2 s of CPU time
    code, out = sh(sandbox, work, "python3 -c 'b = bytearray(2 << 30)' 2>&1 | tail -1")
    assert "MemoryError" in out


# -- how a sandbox ends ---------------------------------------------------------------------------------------
def test_killing_bubblewrap_ends_every_process_in_it_setsid_ones_included(sandbox, work):
    marker = f"3001.{RUN}"
    proc = sandbox.popen(f"for i in $(seq 50); do setsid sleep {marker} & done; (sleep {marker} &); sleep {marker}",
                         work, env=None, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while alive(marker) < 52 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(marker) == 52
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while alive(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(marker) == 0


def test_when_the_command_ends_its_orphans_end_too(sandbox, work):
    marker = f"3002.{RUN}"
    code, _ = sh(sandbox, work, f"setsid sleep {marker} & (sleep {marker} &); echo done")
    assert code == 0
    time.sleep(0.3)
    assert alive(marker) == 0


# -- when there is no sandbox ------------------------------------------------------------------------------------
def test_a_missing_bubblewrap_is_one_line(monkeypatch):
    monkeypatch.setenv("S08_BWRAP", "/nonexistent/bwrap")
    with pytest.raises(SandboxUnavailable) as err:
        find_sandbox()
    assert str(err.value) == "bubblewrap (bwrap) is not installed: install the Debian package 'bubblewrap'"


def test_a_bubblewrap_that_cannot_start_is_one_line_with_its_words(monkeypatch):
    with reachable_dir() as folder:
        fake = folder / "bwrap"
        fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
        fake.chmod(0o755)
        monkeypatch.setenv("S08_BWRAP", str(fake))
        forget_checks()
        try:
            with pytest.raises(SandboxUnavailable) as err:
                find_sandbox()
        finally:
            forget_checks()
    assert str(err.value) == ("bubblewrap could not start a sandbox: bwrap: No permissions to creating new "
                              "namespace")


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_sandbox_tests_fail_under_ci_and_skip_only_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setenv("S08_BWRAP", "/nonexistent/bwrap")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome) as err:
        require_sandbox()
    assert "sandbox tests need bubblewrap: bubblewrap (bwrap) is not installed" in str(err.value)
