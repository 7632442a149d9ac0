"""Each attack of issue 13, made by a scripted model through the real SDK in a live run, and held.

The model is the local Messages API stub (``scripted_attacker.Attacker``) talking to the
real ``anthropic`` client over HTTP; the runs are ``LiveRunManager`` runs, as on the app's
Live page, so every command runs in the bubblewrap sandbox. Each test says what the
attack was and asserts that it failed. Under ``CI=true`` a missing sandbox fails them.
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from sandboxing import reachable_dir, require_sandbox
from scripted_attacker import Attacker, calls, say
from stub_messages_api import StubMessagesAPI
from survivors import SPAWNED, mark, sleepers, spawner, wait_until

import exports
from simulator.live.manager import LiveRunManager
from simulator.live.models import anthropic_model
from simulator.live.run import LiveRun, RunView
from simulator.live.settings import RunSettings
from simulator.live.state import recover
from simulator.privacy import secret_forms
from simulator.real.files import READ_LIMIT
from simulator.real.output import DEFAULT_MAX_OUTPUT_BYTES
from simulator.trace import Trace

pytestmark = pytest.mark.timeout(240)

ROOT = Path(__file__).resolve().parents[2]
ENV_KEY = "sk-ant-env-0123456789abcdefghijklmnop"
KEY_A = "sk-ant-typed-A-9876543210zyxwvutsrqpo"
KEY_B = "sk-ant-typed-B-ABCDEFGHIJ0123456789ab"


@pytest.fixture(autouse=True)
def sandboxed() -> None:
    require_sandbox()


@pytest.fixture
def attacker(no_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Attacker]:
    script = Attacker()
    with StubMessagesAPI(fallback=script) as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_KEY)
        script.api = api  # type: ignore[attr-defined]
        yield script


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[LiveRunManager]:
    m = LiveRunManager(max_runs=4, state_dir=tmp_path / "state")
    yield m
    m.shutdown()


def start(manager: LiveRunManager, owner: str, prompt: str, key: str | None = None, **limits: Any) -> LiveRun:
    settings = RunSettings(**{"timeout_s": 60.0, "end_wait_s": 60.0, "max_run_s": 180.0, **limits})
    model = anthropic_model("claude-stub", api_key=key)
    return manager.start(owner, model, prompt, kind="anthropic", model_label="claude-stub", settings=settings,
                         secrets=[key] if key else None)


def finish(run: LiveRun, timeout: float = 120.0) -> RunView:
    assert wait_until(lambda: not run.alive, timeout), run.view().status
    return run.view()


def results(view: RunView, tool: str | None = None) -> list[str]:
    return [e["result"] for e in view.trace.events if e["kind"] == "tool_end" and (tool is None or e["tool"] == tool)]


def previews(view: RunView) -> list[str]:
    return [e["preview"] for e in view.trace.events if e["kind"] == "finish"]


# -- 1. the app's port ---------------------------------------------------------------------------------
GRAB = r"""
import os, socket, sys
port = int(sys.argv[1])
stolen = []
for fd in range(3, 256):
    try:
        s = socket.socket(fileno=os.dup(fd))
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            stolen.append(fd)
    except OSError:
        pass
print("inherited listening sockets:", stolen or "none")
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    print("connect to the app: open")
except OSError as exc:
    print("connect to the app: failed", exc.errno)
served = 0
try:
    own = socket.socket()
    own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    own.bind(("127.0.0.1", port))
    own.listen(8)
    own.settimeout(4)
    while True:
        conn, _ = own.accept()
        conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nimpostor")
        conn.close()
        served += 1
except OSError:
    pass
print("requests answered by the command:", served)
"""


def test_a_command_can_neither_inherit_nor_serve_the_apps_port(attacker, manager):
    """Attack: a background script takes the server's listening socket (inherited, or by binding its port)."""
    app = socket.socket()
    app.bind(("127.0.0.1", 0))
    app.listen(16)
    os.set_inheritable(app.fileno(), True)  # the worst case: even an inheritable socket must not reach a command
    port = app.getsockname()[1]
    answered: list[bytes] = []

    def serve() -> None:
        app.settimeout(0.2)
        while not done.is_set():
            try:
                conn, _ = app.accept()
            except OSError:
                continue
            conn.recv(1024)
            conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nreal-app")
            conn.close()

    done = threading.Event()
    server = threading.Thread(target=serve, daemon=True)
    server.start()
    prompt = attacker.script("grab the port", calls(("write_file", {"path": "grab.py", "content": GRAB})),
                             calls(("background_run", {"command": f"python3 grab.py {port}"})), say("Waiting."))
    run = start(manager, "a", prompt)
    assert wait_until(lambda: run.view().counts["running"] == 1)
    time.sleep(0.5)
    for _ in range(10):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
            c.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answered.append(c.recv(1024))
        time.sleep(0.2)
    view = finish(run)
    done.set()
    server.join(5)
    app.close()
    out = previews(view)[0]
    assert answered == [b"HTTP/1.0 200 OK\r\n\r\nreal-app"] * 10  # 10 of 10 requests reached the app
    assert "inherited listening sockets: none" in out
    assert "connect to the app: failed" in out  # its own network namespace: the app's port is not there
    assert "requests answered by the command: 0" in out


# -- 2. keys in the server's memory -------------------------------------------------------------------------
SPY = r"""
import os, re, sys
target = sys.argv[1]
pat = re.compile(rb"sk-ant-[A-Za-z0-9-]{8,}")
pids = [p for p in os.listdir("/proc") if p.isdigit()]
print("processes visible:", len(pids))
print("server visible:", os.path.exists(f"/proc/{target}"))
found = 0
for pid in pids + [target]:
    for name in ("environ", "cmdline"):
        try:
            found += len(pat.findall(open(f"/proc/{pid}/{name}", "rb").read()))
        except OSError:
            pass
    try:
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
            for line in maps:
                lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                if "rw" in line.split()[1] and hi - lo < 64 << 20:
                    try:
                        mem.seek(lo)
                        found += len(pat.findall(mem.read(hi - lo)))
                    except OSError:
                        pass
    except OSError:
        pass
print("keys found:", found)
print("own environment has a key:", any("sk-ant" in v for v in os.environ.values()))
"""


def _leaks(texts: list[str], keys: list[str]) -> list[str]:
    forms = [f for k in keys for f in secret_forms(k)]
    return [f for f in forms for t in texts if f in t]


def test_no_key_in_any_form_reaches_a_command_the_model_or_a_download(attacker, manager):
    """Attack: read the server's /proc/<pid>/mem and environ for the environment key and both sessions' typed keys."""
    victim = attacker.script("victim: wait", calls(("background_run", {"command": f"sleep {mark(1)}"})),
                             say("Waiting."))
    a = start(manager, "a", victim, key=KEY_A)
    assert wait_until(lambda: a.view().counts["running"] == 1)
    spy = attacker.script(
        "spy: read the server", calls(("write_file", {"path": "spy.py", "content": SPY})),
        calls(("background_run", {"command": f"python3 spy.py {os.getpid()}"}),
              ("bash", {"command": f"cat /proc/{os.getpid()}/environ; env; cat /proc/1/environ | tr '\\0' ' '"})),
        # a model that did get hold of a key could still write it out, encoded: the download must not keep it
        say(f"{KEY_B[::-1]} {base64.b64encode(KEY_B.encode()).decode()} {KEY_B.encode().hex()} "
            f"{base64.b64encode(b'x' + KEY_B[::-1].encode()).decode()}"))
    b = start(manager, "b", spy, key=KEY_B)
    view = finish(b)
    manager.stop("a")
    out = previews(view)[0]
    assert "server visible: False" in out and "keys found: 0" in out and "own environment has a key: False" in out
    assert int(out.split("processes visible:")[1].split()[0]) <= 5  # its own sandbox only
    keys = [ENV_KEY, KEY_A, KEY_B]
    sent_to_model = attacker.results(spy)
    assert sent_to_model and not _leaks(sent_to_model, keys)
    download = view.download.decode()
    assert not _leaks([download, json.dumps(view.trace.to_dict())], keys)
    assert "[redacted]" in download  # the encoded forms the model wrote were found and replaced
    trace = Trace.from_dict(json.loads(download)["trace"], "download")
    for fmt in exports.FORMATS:
        assert not _leaks([exports.render(fmt, {"parallel": trace})], keys), fmt
    finish(a)


# -- 3. processes that outlive the kill paths -----------------------------------------------------------------
@pytest.mark.parametrize("path", ["timeout", "session end", "stop", "shutdown", "timeout of blocking bash"])
def test_no_descendant_outlives_any_kill_path(attacker, manager, path):
    """Attack: setsid and double-forked children, to outlive timeout, kill, Stop and shutdown."""
    marker = mark(10 + ["timeout", "session end", "stop", "shutdown", "timeout of blocking bash"].index(path))
    tool = "bash" if path.endswith("bash") else "background_run"
    limits: dict[str, Any] = {"timeout_s": 4.0} if path.startswith("timeout") else {}
    if path == "session end":
        limits["end_wait_s"] = 4.0  # the model ends its turn; the loop waits, then ends the run and kills the task
    prompt = attacker.script(f"outlive: {path}", calls((tool, {"command": spawner(marker)})), say("Waiting."))
    run = start(manager, "a", prompt, **limits)
    assert wait_until(lambda: len(sleepers(marker)) >= SPAWNED, 30), len(sleepers(marker))
    if path == "stop":
        manager.stop("a")
    elif path == "shutdown":
        manager.shutdown()
    view = finish(run, 60)
    assert wait_until(lambda: not sleepers(marker), 5), f"{len(sleepers(marker))} of {SPAWNED} survived {path}"
    kinds = [e["kind"] for e in view.trace.events]
    assert kinds[-1] == "session_end"


RESTARTED_SERVER = r"""
import os, sys, time
from simulator.live.manager import LiveRunManager
from simulator.live.models import anthropic_model
from simulator.live.settings import RunSettings
manager = LiveRunManager(state_dir=sys.argv[1])
run = manager.start("x", anthropic_model("claude-stub"), sys.argv[2], kind="anthropic", model_label="claude-stub",
                    settings=RunSettings(timeout_s=600, end_wait_s=600, max_run_s=1800))
print(run.workdir, flush=True)
time.sleep(3600)
"""


def test_after_a_crash_nothing_survives_and_the_next_start_recovers(attacker, tmp_path):
    """Attack: SIGKILL the server while setsid children run; they must not go on, and the next start tidies up."""
    marker = mark(20)
    prompt = attacker.script("crash", calls(("background_run", {"command": spawner(marker)})), say("Waiting."))
    state = tmp_path / "crash-state"
    server = subprocess.Popen([sys.executable, "-c", RESTARTED_SERVER, str(state), prompt], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        workdir = Path(server.stdout.readline().strip())
        assert wait_until(lambda: len(sleepers(marker)) >= SPAWNED, 30), len(sleepers(marker))
        server.kill()
        server.wait(10)
        assert wait_until(lambda: not sleepers(marker), 5), f"{len(sleepers(marker))} of {SPAWNED} survived the crash"
    finally:
        server.kill()
    assert workdir.is_dir()  # nobody tidied up yet
    found = recover(state)
    assert (found.runs, found.tasks, found.workdirs) == (1, 1, 1)
    assert not workdir.exists()
    [run_dir] = (state / "runs").iterdir()
    assert json.loads((run_dir / "run.json").read_text())["status"] == "interrupted"
    [record] = [json.loads(p.read_text()) for p in (run_dir / "tasks").glob("*.json")]
    assert record["status"] == "interrupted"
    assert not recover(state)  # a second start finds nothing left to do


# -- 4. read_file on FIFOs, devices and huge files ----------------------------------------------------------------
class PeakMemory:
    """The highest RSS of this process while the block runs, sampled every 10 ms."""

    def __enter__(self) -> PeakMemory:
        self.me = psutil.Process()
        self.before = self.peak = self.me.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.me.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.before) / 2**20


def test_read_file_neither_hangs_nor_balloons_on_fifos_devices_or_sparse_files(attacker, manager):
    """Attack: read a FIFO with no writer, a FIFO fed by `yes`, a device, and a 400 MB sparse file with limit=1."""
    planted: list[str] = []

    def plant_device(body: dict[str, Any]) -> dict[str, Any]:
        if os.geteuid() == 0:  # what a command cannot make in the sandbox, made from outside
            os.mknod(manager.get("a").workdir / "zero.dev", stat.S_IFCHR | 0o666, os.makedev(1, 5))
            planted.append("zero.dev")
        return calls(*(("read_file", {"path": p, "limit": 1}) for p in
                       ("empty.fifo", "fed.fifo", "zero.link", *planted, "sparse.bin")))

    prompt = attacker.script(
        "read the strange files",
        calls(("bash", {"command": "mkfifo empty.fifo fed.fifo; ln -s /dev/zero zero.link; truncate -s 400M sparse.bin"}),
              ("background_run", {"command": "yes > fed.fifo"})),
        plant_device, say("Read them all."))
    with PeakMemory() as memory:
        started = time.monotonic()
        view = finish(start(manager, "a", prompt, end_wait_s=2.0), 60)  # `yes` may still wait for a reader
        took = time.monotonic() - started
    reads = results(view, "read_file")
    assert len(reads) == 4 + len(planted)
    assert "empty.fifo is a FIFO, not a regular file" in reads[0]
    assert "fed.fifo is a FIFO, not a regular file" in reads[1]
    assert "zero.link is a symbolic link" in reads[2]
    if planted:
        assert "zero.dev is a character device, not a regular file" in reads[3]
    sparse = reads[-1]
    assert sparse.startswith("\0") and "400 MB" not in sparse and "419430400 bytes in all" in sparse
    assert len(sparse) < READ_LIMIT + 1000
    assert took < 30 and memory.growth_mb < 60, (took, memory.growth_mb)
    assert view.state == "done"


# -- 5. races on the way to a file: hard links and symlink swaps ------------------------------------------------------
SWAP = r"""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
while True:  # 'd' is a folder, then a link to the outside folder, and so on; 'f' a file, then a link out
    for name in (b"d", b"f"):
        libc.renameat2(AT_FDCWD, name, AT_FDCWD, name + b".other", RENAME_EXCHANGE)
"""


def test_hard_links_and_symlink_swaps_never_lead_a_file_tool_outside(attacker, manager):
    """Attack: a hard link to an outside file for edit_file; a folder and a file swapped with symlinks while 600 tool
    calls (300 writes, 300 reads) go through them."""
    with reachable_dir("s08-outside-") as outside:
        (outside / "secret.txt").write_text("CANARY-outside\n")
        (outside / "victim.txt").write_text("do not change\n")
        before = sorted(p.name for p in outside.iterdir())
        setup = (f"mkdir d; echo inside > d/secret.txt; ln -s {outside} d.other; echo inside > f; "
                 f"ln -s {outside}/secret.txt f.other")
        def plant_hardlink(body: dict[str, Any]) -> dict[str, Any]:
            os.link(outside / "victim.txt", manager.get("a").workdir / "h.txt")  # as an unsandboxed command could
            return calls(("edit_file", {"path": "h.txt", "old_text": "do not", "new_text": "DID"}),
                         ("read_file", {"path": "h.txt"}))

        def burst(i: int) -> dict[str, Any]:
            uses = []
            for j in range(50):
                uses += [("write_file", {"path": "d/new.txt", "content": f"written {i}-{j}"}),
                         ("read_file", {"path": "d/secret.txt"}),
                         ("write_file", {"path": "f", "content": f"f {i}-{j}"}) if j % 2 else
                         ("read_file", {"path": "f"})]
            return calls(*uses)

        prompt = attacker.script(
            "escape the work directory",
            calls(("bash", {"command": f"ln {outside}/victim.txt h2.txt; ln /etc/hostname h3.txt; echo tried"}),
                  ("bash", {"command": setup}), ("write_file", {"path": "swap.py", "content": SWAP}),
                  ("background_run", {"command": "python3 swap.py"})),
            plant_hardlink, *(burst(i) for i in range(6)), say("Done."))
        view = finish(start(manager, "a", prompt, end_wait_s=1.0), 120)
        assert "CANARY" not in json.dumps(view.trace.to_dict())
        assert (outside / "victim.txt").read_text() == "do not change\n"
        assert (outside / "secret.txt").read_text() == "CANARY-outside\n"
        assert sorted(p.name for p in outside.iterdir()) == before  # nothing was written out there
    tried = results(view, "bash")[0]
    assert "tried" in tried and "h2.txt" not in {name for name, _ in view.files}
    refused = [e for e in view.trace.events if e["kind"] == "refused"]
    assert any("hard links" in e["reason"] for e in refused)
    reads = [r for r in results(view, "read_file")]
    writes = [r for r in results(view, "write_file")][1:]  # after swap.py
    assert len(writes) == 450 and len(reads) == 451
    # the race was really run: some calls found the folder, some found the link and were refused
    assert any(r == "inside" for r in reads) and any("symbolic link" in r for r in reads + writes)


# -- 6. output without end ---------------------------------------------------------------------------------------------
def test_output_past_the_cap_kills_the_task_and_says_why(attacker, manager):
    """Attack: a task prints 1.5 GB (and a blocking command 300 MB) as fast as it can."""
    prompt = attacker.script(
        "flood", calls(("background_run", {"command": "head -c 1500M /dev/zero"}),
                       ("bash", {"command": "yes | head -c 300M"})), say("Waiting."))
    with PeakMemory() as memory:
        t0 = time.monotonic()
        run = start(manager, "a", prompt)
        view = finish(run, 60)
        took = time.monotonic() - t0
    fin = next(e for e in view.trace.events if e["kind"] == "finish")
    assert fin["status"] == "killed" and fin["reason"] == "output_limit"
    assert fin["preview"].startswith("Killed (output limit: it printed more than 100 MB)")
    assert DEFAULT_MAX_OUTPUT_BYTES < fin["output_bytes"] < DEFAULT_MAX_OUTPUT_BYTES + (8 << 20)
    drained = [n for e in view.trace.events if e["kind"] == "drain" for n in e["queue_before"]]
    assert drained and drained[0]["reason"] == "output_limit" and "output limit" in drained[0]["result"]
    blocking = results(view, "bash")[0]
    assert blocking.startswith("Killed (output limit: it printed more than 100 MB)")
    assert took < 30 and memory.growth_mb < 60, (took, memory.growth_mb)
    logs = list((manager.state_dir / "runs").glob("*/tasks/*.log"))
    assert all(p.stat().st_size <= DEFAULT_MAX_OUTPUT_BYTES for p in logs)


# -- 7. a fork bomb -------------------------------------------------------------------------------------------------
BOMB = r"""
import subprocess, sys, time
started = failed = 0
for _ in range(3000):
    try:
        subprocess.Popen(["sleep", sys.argv[1]])
        started += 1
    except OSError:
        failed += 1
print("started", started, "refused", failed, flush=True)
time.sleep(60)
"""


def test_a_fork_bomb_stays_inside_its_own_process_limit(attacker, manager):
    """Attack: start processes without end; another browser session's run must still work."""
    marker = mark(30)
    prompt = attacker.script("bomb", calls(("write_file", {"path": "bomb.py", "content": BOMB}),
                                           ("background_run", {"command": f"python3 bomb.py {marker}"})),
                             say("Waiting."))
    bomb = start(manager, "a", prompt)
    assert wait_until(lambda: len(sleepers(marker)) >= 200, 60), (len(sleepers(marker)), bomb.view().status)
    time.sleep(2.0)
    assert 200 <= len(sleepers(marker)) <= 256  # the sandbox's process limit (bwrap and python count too)
    other = attacker.script("still fine", calls(("bash", {"command": "echo alive; sleep 0.2 & wait"})), say("ok"))
    assert results(finish(start(manager, "b", other), 60), "bash") == ["alive"]
    manager.stop("a")
    view = finish(bomb)
    assert wait_until(lambda: not sleepers(marker), 10)
    started, refused = (int(n) for n in re.search(r"started (\d+) refused (\d+)", previews(view)[0]).groups())
    assert started < 256 and refused > 2700, (started, refused)
