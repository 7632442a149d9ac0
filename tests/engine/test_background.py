"""Tests of the real BackgroundManager: real subprocesses, real time."""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from survivors import sleepers

from simulator.clock import RealClock
from simulator.notifications import RESULT_LIMIT, STATUSES, result_text
from simulator.real import background
from simulator.real.background import BackgroundManager
from simulator.trace import TraceRecorder, task_lane

pytestmark = pytest.mark.timeout(120)

RUN = f"{os.getpid() % 10**7:07d}"


def mark(n: int) -> str:
    """A sleep duration unique to this test run and call site (``sleep <mark>`` finds it)."""
    return f"{1000 + n}.{RUN}"


ID_RE = re.compile(r"^Background task ([0-9a-f]{8}) started: ")


def wait_until(pred: Callable[[], Any], timeout: float = 10.0, step: float = 0.01) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


def tid_of(reply: str) -> str:
    m = ID_RE.match(reply)
    assert m, reply
    return m.group(1)


def finished(mgr: BackgroundManager, tid: str, timeout: float = 10.0) -> dict[str, Any]:
    return wait_until(lambda: (r := mgr.task(tid)) and r["status"] not in ("queued", "running") and r, timeout)


def group_alive(pgid: int) -> bool:
    for p in psutil.process_iter(["status"]):
        try:
            if p.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(p.pid) == pgid:
                return True
        except (psutil.Error, ProcessLookupError):
            pass
    return False


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., BackgroundManager]]:
    made: list[BackgroundManager] = []
    work = tmp_path / "work"
    work.mkdir()

    def factory(**kw: Any) -> BackgroundManager:
        mgr = BackgroundManager(kw.pop("workdir", work), **kw)
        made.append(mgr)
        return mgr

    yield factory
    for mgr in made:
        mgr.shutdown()


# -- statuses -----------------------------------------------------------------
def test_run_returns_at_once_with_hex_id(make):
    mgr = make()
    t0 = time.perf_counter()
    reply = mgr.run("sleep 2")
    assert time.perf_counter() - t0 < 0.05
    tid = tid_of(reply)
    assert reply == f"Background task {tid} started: sleep 2"
    rec = mgr.task(tid)
    assert rec["status"] == "running" and rec["result"] is None and rec["attempt"] == 1
    assert set(rec) == {"task_id", "command", "status", "exit_code", "result", "output_file", "output_bytes",
                        "priority", "attempt", "created_at", "started_at", "finished_at", "delivered"}
    assert mgr.pending() == 1
    assert "(running)" in mgr.check(tid)


def test_completed_keeps_output(make):
    mgr = make()
    tid = tid_of(mgr.run("echo hello; echo oops >&2"))
    rec = finished(mgr, tid)
    assert rec["status"] == "completed" and rec["exit_code"] == 0
    assert rec["result"] == "hello\noops"
    assert rec["output_bytes"] == len("hello\noops\n")
    assert rec["output_file"] is None  # short output stays in memory: no file is made for it
    assert not list(mgr._log_dir.iterdir())
    assert rec["created_at"] <= rec["started_at"] <= rec["finished_at"]
    assert mgr.pending() == 0


def test_nonzero_exit_is_error_with_code(make):
    mgr = make()
    tid = tid_of(mgr.run("echo partial; exit 3"))
    rec = finished(mgr, tid)
    assert rec["status"] == "error" and rec["exit_code"] == 3
    assert rec["result"] == "[exit code 3]\npartial"
    assert mgr.check(tid).startswith("[error (exit 3)] echo partial; exit 3")
    assert f"{tid}: [error (exit 3)]" in mgr.check()
    [note] = mgr.drain_notifications()
    assert note == {"task_id": tid, "status": "error", "command": "echo partial; exit 3",
                    "result": "[exit code 3]\npartial", "exit_code": 3, "output_file": rec["output_file"]}


def test_runs_in_workdir_with_given_env(make, tmp_path):
    mgr = make(env={"PATH": os.environ["PATH"], "S08_FOO": "bar"})
    rec = finished(mgr, tid_of(mgr.run("pwd; echo $S08_FOO; echo ${HOME:-nohome}")))
    assert rec["result"].splitlines() == [str((tmp_path / "work").resolve()), "bar", "nohome"]


def test_missing_workdir_is_an_error_not_a_crash(make, tmp_path):
    mgr = make(workdir=tmp_path / "nowhere")
    rec = finished(mgr, tid_of(mgr.run("echo hi")))
    assert rec["status"] == "error" and rec["result"].startswith("Error: could not start (")
    assert finished(mgr, tid_of(mgr.run("true")))["status"] == "error"  # the launcher lives on


def test_unknown_task(make):
    mgr = make()
    assert mgr.check("deadbeef") == "Error: Unknown task deadbeef"
    assert mgr.kill("deadbeef") == "Error: Unknown task deadbeef"
    assert mgr.task("deadbeef") is None
    assert mgr.check() == "No background tasks."


def test_dangerous_command_refused(make):
    mgr = make()
    assert mgr.run("sudo rm -rf /") == "Error: Dangerous command blocked (removes the root or home directory)"
    assert mgr.run("echo hi | sudo tee x").startswith("Error: Dangerous command blocked (")
    assert mgr.tasks == {} and mgr.pending() == 0 and mgr.queue_snapshot() == []


# -- timeouts, kills, process groups -----------------------------------------
def test_timeout_kills_whole_process_group(make):
    mgr = make(timeout_s=0.5)
    marker = mark(17)
    tid = tid_of(mgr.run(f"echo $$ > leader.pid; sleep {marker} & sleep {marker}"))
    rec = finished(mgr, tid, timeout=5)
    pgid = int((Path(mgr.workdir) / "leader.pid").read_text())  # the shell leads its own group
    assert rec["status"] == "timeout" and rec["exit_code"] is None
    assert rec["result"] == result_text("", "timeout", None, 0.5) == "Error: Timeout (0.5s)"
    assert 0.4 < rec["finished_at"] - rec["started_at"] < 2.0
    wait_until(lambda: not sleepers(marker) and not group_alive(pgid), timeout=3)


def test_timeout_result_keeps_output(make):
    mgr = make(timeout_s=0.3)
    rec = finished(mgr, tid_of(mgr.run("echo before; sleep 30")))
    assert rec["status"] == "timeout" and rec["result"] == "Error: Timeout (0.3s)\nbefore"


def test_kill_ends_process_group(make):
    mgr = make()
    marker = mark(18)
    tid = tid_of(mgr.run(f"sleep {marker} & sleep {marker}; echo never"))
    procs = wait_until(lambda: len(p := sleepers(marker)) == 2 and p)
    pgids = {os.getpgid(p.pid) for p in procs}
    assert len(pgids) == 1 and pgids != {os.getpgid(0)}
    pgid = pgids.pop()
    msg = mgr.kill(tid)
    assert msg.startswith(f"Killed task {tid}") and "\n" not in msg
    rec = mgr.task(tid)
    assert rec["status"] == "killed" and rec["result"] == "Killed" and rec["exit_code"] is None
    wait_until(lambda: not sleepers(marker) and not group_alive(pgid), timeout=3)
    assert "already finished (killed)" in mgr.kill(tid)
    assert [n["status"] for n in mgr.drain_notifications()] == ["killed"]


def test_kill_finished_task_says_so(make):
    mgr = make()
    tid = tid_of(mgr.run("true"))
    finished(mgr, tid)
    assert mgr.kill(tid) == f"Task {tid} already finished (completed)"
    assert mgr.task(tid)["status"] == "completed"


@pytest.mark.parametrize("reap", [True, False])
def test_reap_orphans_after_leader_exits(make, reap):
    mgr = make(reap_orphans=reap)
    marker = mark(19 + reap)
    tid = tid_of(mgr.run(f"sleep {marker} >/dev/null 2>&1 & echo leader-done"))
    rec = finished(mgr, tid)
    assert rec["status"] == "completed" and rec["result"] == "leader-done"
    if reap:
        wait_until(lambda: not sleepers(marker), timeout=3)
    else:
        survivors = wait_until(lambda: sleepers(marker), timeout=3)
        for p in survivors:
            os.kill(p.pid, signal.SIGKILL)


def test_kill_all_and_shutdown_are_idempotent(make):
    mgr = make(max_concurrent=2)
    ids = [tid_of(mgr.run(f"sleep {mark(i)}")) for i in range(21, 25)]
    wait_until(lambda: sum(r["started_at"] is not None for r in mgr.tasks.values()) == 2)
    assert [mgr.task(i)["status"] for i in ids] == ["running", "running", "queued", "queued"]
    mgr.kill_all()
    assert {r["status"] for r in mgr.tasks.values()} == {"killed"}
    assert mgr.pending() == 0
    assert all(mgr.task(i)["started_at"] is None for i in ids[2:])  # queued ones never ran
    mgr.shutdown()
    mgr.shutdown()
    assert not any(sleepers(mark(i)) for i in range(21, 25))
    assert mgr.run("true") == "Error: Background manager is shut down"
    assert mgr.wait_for_notification(5) is True  # four kill notifications still queued
    assert len(mgr.drain_notifications()) == 4


def test_shutdown_kills_running_tasks(make):
    mgr = make()
    marker = mark(31)
    tid = tid_of(mgr.run(f"sleep {marker}"))
    wait_until(lambda: sleepers(marker))
    with mgr:
        pass
    assert mgr.task(tid)["status"] == "killed"
    wait_until(lambda: not sleepers(marker), timeout=3)
    assert not any(t.is_alive() for t in mgr._launchers) and not mgr._watcher.is_alive()


# -- output streaming ----------------------------------------------------------
def test_huge_output_streams_to_disk_not_memory(make):
    mgr = make(timeout_s=60, max_output_bytes=250_000_000)
    me = psutil.Process()
    before = me.memory_info().rss
    size = 200_000_000
    tid = tid_of(mgr.run(f"head -c {size} /dev/zero | tr '\\0' x"))
    peak = before
    while (rec := mgr.task(tid))["status"] == "running":
        peak = max(peak, me.memory_info().rss)
        time.sleep(0.02)
    peak = max(peak, me.memory_info().rss)
    assert rec["status"] == "completed"
    assert rec["output_bytes"] == size == os.path.getsize(rec["output_file"])
    assert rec["result"] == "x" * RESULT_LIMIT
    [note] = mgr.drain_notifications()
    assert note["result"] == "x" * 500
    assert peak - before < 20 * 2**20, f"RSS grew by {(peak - before) / 2**20:.1f} MB"


# -- threads and latency -------------------------------------------------------
def test_bounded_threads_and_fast_run_with_400_running(make):
    base_threads = threading.active_count()
    mgr = make()
    assert threading.active_count() == base_threads + 5  # 4 launchers and 1 watcher, however many tasks
    for i in range(400):
        mgr.run(f"sleep 60.{i:03d}")
    wait_until(lambda: all(r["started_at"] is not None for r in mgr.tasks.values()), timeout=60, step=0.05)
    assert mgr.pending() == 400
    assert threading.active_count() == base_threads + 5
    times = []
    for _ in range(100):
        t0 = time.perf_counter()
        mgr.run("sleep 60")
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print(f"\nrun() with 400 running: median {median * 1e6:.0f} us, max {max(times) * 1e6:.0f} us")
    assert median < 0.001
    assert threading.active_count() == base_threads + 5
    t0 = time.perf_counter()
    mgr.kill_all()
    print(f"kill_all of 500 tasks: {time.perf_counter() - t0:.2f} s")
    assert mgr.pending() == 0 and len(mgr.drain_notifications()) == 500


def test_fallback_without_pidfd(make, monkeypatch):
    monkeypatch.setattr(background, "_HAVE_PIDFD", False)
    mgr = make(timeout_s=0.4)
    ok = tid_of(mgr.run("echo fine"))
    marker = mark(32)
    slow = tid_of(mgr.run(f"sleep {marker} & sleep {marker}"))
    assert finished(mgr, ok)["status"] == "completed"
    assert finished(mgr, slow)["status"] == "timeout"
    wait_until(lambda: not sleepers(marker), timeout=3)
    assert {n["task_id"] for n in mgr.drain_notifications()} == {ok, slow}


# -- notifications ------------------------------------------------------------
def test_wait_for_notification_and_snapshot(make):
    mgr = make()
    t0 = time.monotonic()
    assert mgr.wait_for_notification(5) is False  # nothing pending: returns at once
    assert time.monotonic() - t0 < 0.5
    tid = tid_of(mgr.run("sleep 0.2; echo done"))
    assert mgr.wait_for_notification(0.01) is False
    assert mgr.wait_for_notification(5) is True
    snap = mgr.queue_snapshot()
    assert [n["task_id"] for n in snap] == [tid]
    snap[0]["status"] = "tampered"
    assert mgr.queue_snapshot()[0]["status"] == "completed"
    assert mgr.task(tid)["delivered"] is False
    assert [n["task_id"] for n in mgr.drain_notifications()] == [tid]
    assert mgr.drain_notifications() == [] and mgr.queue_snapshot() == []
    assert mgr.task(tid)["delivered"] is True


def test_notification_truncates_command_and_result(make):
    mgr = make()
    command = "printf 'y%.0s' $(seq 900); true " + "#" * 100
    tid = tid_of(mgr.run(command))
    finished(mgr, tid)
    [note] = mgr.drain_notifications()
    assert note["command"] == command[:80] and note["result"] == "y" * 500
    assert mgr.task(tid)["result"] == "y" * 900


def test_exactly_once_delivery_500_tasks_4_drainers(make):
    mgr = make()
    got: list[list[str]] = [[] for _ in range(4)]
    total = 500
    stop = threading.Event()

    def drainer(out: list[str]) -> None:
        while not stop.is_set():
            mgr.wait_for_notification(0.05)
            out.extend(n["task_id"] for n in mgr.drain_notifications())

    threads = [threading.Thread(target=drainer, args=(out,)) for out in got]
    for th in threads:
        th.start()
    t0 = time.perf_counter()
    ids = [tid_of(mgr.run("true" if i % 2 else "exit $((RANDOM%3))")) for i in range(total)]
    try:
        wait_until(lambda: sum(map(len, got)) >= total and mgr.pending() == 0, timeout=60, step=0.02)
    finally:
        stop.set()
        for th in threads:
            th.join()
    print(f"\n{total} tasks run and delivered in {time.perf_counter() - t0:.2f} s")
    counts = collections.Counter(i for out in got for i in out)
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    assert mgr.drain_notifications() == []
    assert {r["status"] for r in mgr.tasks.values()} <= {"completed", "error"}
    assert all(r["delivered"] for r in mgr.tasks.values())


# -- extensions ----------------------------------------------------------------
def test_max_concurrent_priority_then_fifo(make):
    clock = RealClock()
    rec = TraceRecorder(clock)
    mgr = make(max_concurrent=1, recorder=rec)
    gate = tid_of(mgr.run("sleep 0.4"))
    wait_until(lambda: mgr.task(gate)["started_at"])
    order = [("low", 5), ("mid-a", 1), ("top", 0), ("mid-b", 1)]
    ids = {name: tid_of(mgr.run(f"echo {name}", priority=p)) for name, p in order}
    assert all(mgr.task(i)["status"] == "queued" for i in ids.values())
    assert mgr.pending() == 5
    queued = [e for e in rec.trace.events if e["kind"] == "task_queued"]
    assert [(e["task_id"], e["priority"]) for e in queued] == [(ids[n], p) for n, p in order]
    wait_until(lambda: mgr.pending() == 0)
    starts = [e["task_id"] for e in rec.trace.events if e["kind"] == "task_start"]
    assert starts == [gate, ids["top"], ids["mid-a"], ids["mid-b"], ids["low"]]
    assert [mgr.task(i)["priority"] for i in ids.values()] == [5, 1, 0, 1]


def test_kill_queued_task_never_starts(make):
    mgr = make(max_concurrent=1)
    gate = tid_of(mgr.run("sleep 0.3"))
    queued = tid_of(mgr.run("echo should-not-run > ran.txt"))
    assert mgr.task(queued)["status"] == "queued"
    assert mgr.kill(queued).startswith(f"Killed task {queued}")
    assert finished(mgr, gate)["status"] == "completed"
    rec = mgr.task(queued)
    assert rec["status"] == "killed" and rec["started_at"] is None
    assert not (Path(mgr.workdir) / "ran.txt").exists()


def test_retries_after_timeout(make):
    rec = TraceRecorder(RealClock())
    mgr = make(timeout_s=0.3, retries=2, recorder=rec)
    tid = tid_of(mgr.run("echo try; sleep 30"))
    r = finished(mgr, tid, timeout=10)
    assert r["status"] == "timeout" and r["attempt"] == 3
    assert r["result"] == "[attempt 3 of 3]\nError: Timeout (0.3s)\ntry"
    lane = [(e["kind"], e.get("attempt")) for e in rec.trace.events if e["lane"] == task_lane(tid)]
    assert lane == [("task_start", 1), ("retry", 2), ("task_start", 2), ("retry", 3), ("task_start", 3),
                    ("finish", None), ("enqueue", None)]
    assert len(mgr.drain_notifications()) == 1


def test_retry_can_succeed(make):
    mgr = make(timeout_s=0.3, retries=1)
    tid = tid_of(mgr.run("if [ -e seen ]; then echo second; else touch seen; sleep 30; fi"))
    r = finished(mgr, tid)
    assert r["status"] == "completed" and r["attempt"] == 2
    assert r["result"] == "[attempt 2 of 2]\nsecond"


def test_no_retry_after_kill(make):
    mgr = make(timeout_s=5, retries=3)
    tid = tid_of(mgr.run("sleep 30"))
    wait_until(lambda: mgr.task(tid)["started_at"])
    mgr.kill(tid)
    r = mgr.task(tid)
    assert r["status"] == "killed" and r["attempt"] == 1


# -- trace ---------------------------------------------------------------------
def test_trace_events(make):
    rec = TraceRecorder(RealClock())
    mgr = make(recorder=rec)
    tid = tid_of(mgr.run("echo traced; exit 2"))
    finished(mgr, tid)
    lane = task_lane(tid)
    info = next(x for x in rec.trace.lanes if x["id"] == lane)
    assert info == {"id": lane, "label": "echo traced; exit 2", "command": "echo traced; exit 2"}
    events = [e for e in rec.trace.events if e["lane"] == lane]
    assert [e["kind"] for e in events] == ["task_start", "finish", "enqueue"]
    start, fin, enq = events
    assert start["task_id"] == tid and start["command"] == "echo traced; exit 2" and start["attempt"] == 1
    assert fin["status"] == "error" and fin["exit_code"] == 2 and fin["preview"] == "[exit code 2]\ntraced"
    assert fin["output_bytes"] == 7 and fin["duration_s"] >= 0
    assert enq["queue_depth"] == 1
    mgr.drain_notifications()
    mgr.check()
    assert {e["kind"] for e in rec.trace.events} == {"task_start", "finish", "enqueue"}


# -- persistence ----------------------------------------------------------------
def test_records_persisted_atomically(make, tmp_path):
    state = tmp_path / "state"
    mgr = make(state_dir=state)
    tid = tid_of(mgr.run("echo saved"))
    finished(mgr, tid)
    path = state / f"{tid}.json"
    wait_until(lambda: json.loads(path.read_text())["status"] == "completed")
    assert json.loads(path.read_text())["delivered"] is False
    assert mgr.task(tid)["output_file"] is None and not (state / f"{tid}.log").exists()
    mgr.drain_notifications()
    data = json.loads(path.read_text())
    assert data == mgr.task(tid) and data["delivered"] is True
    assert not list(state.glob("*.tmp")) and not list(state.glob(".*"))


CRASHING_HARNESS = """
import sys, time, json
from pathlib import Path
from simulator.real.background import BackgroundManager
state = Path(sys.argv[1])
a = BackgroundManager(sys.argv[2], state_dir=state)
fast = a.run("echo quick").split()[2]
slow = a.run("yes L | head -c 60000; sleep " + sys.argv[3]).split()[2]
def saved(tid):
    try:
        return json.loads((state / f"{tid}.json").read_text())
    except (OSError, ValueError):
        return {}
def logged(tid):
    try:
        return (state / f"{tid}.log").stat().st_size
    except OSError:
        return 0
while saved(fast).get("status") != "completed" or not saved(slow).get("started_at") or logged(slow) < 60000:
    time.sleep(0.01)
print(fast, slow, flush=True)
time.sleep(1000)
"""


def test_restart_recovery(make, tmp_path):
    state = tmp_path / "state"
    # Manager A lives in a child process that we SIGKILL: a real crash, nothing finalized.
    child = subprocess.Popen([sys.executable, "-c", CRASHING_HARNESS, str(state), str(tmp_path / "work"), mark(33)],
                             cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True)
    try:
        fast, slow = child.stdout.readline().split()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    [leader] = wait_until(lambda: sleepers(mark(33)))  # the orphaned task outlived its harness
    os.killpg(os.getpgid(leader.pid), signal.SIGKILL)
    assert json.loads((state / f"{slow}.json").read_text())["status"] == "running"

    b = make(state_dir=state)
    notes = b.drain_notifications()
    assert [(n["task_id"], n["status"]) for n in notes] == [(fast, "completed"), (slow, "interrupted")]
    assert notes[0]["result"] == "quick"
    assert notes[1]["result"] == result_text("", "interrupted", None)
    assert notes[1]["output_file"] == str(state / f"{slow}.log")  # it spilled before the crash: kept
    assert b.task(slow)["output_bytes"] == 60000 and notes[0]["output_file"] is None
    assert f"{fast}: [completed] echo quick" in b.check() and f"{slow}: [interrupted]" in b.check()
    assert b.check(slow).startswith("[interrupted] yes L | head -c 60000") and "\nInterrupted" in b.check(slow)
    assert list(b.tasks) == [fast, slow] and b.pending() == 0
    saved = json.loads((state / f"{slow}.json").read_text())
    assert saved["status"] == "interrupted" and saved["delivered"] is True
    # A third start finds nothing left to deliver.
    c = make(state_dir=state)
    assert c.drain_notifications() == [] and len(c.tasks) == 2
    assert not list(state.glob("*.tmp")) and not list(state.glob(".*"))


def test_restart_requeues_in_finished_order_and_skips_corrupt_files(make, tmp_path):
    state = tmp_path / "state"
    state.mkdir()

    def record(tid: str, status: str, finished_at: float | None, delivered: bool = False) -> None:
        rec = {"task_id": tid, "command": f"cmd {tid}", "status": status, "exit_code": None,
               "result": None if status in ("queued", "running") else "out", "output_file": "x",
               "output_bytes": 0, "priority": 0, "attempt": 1, "created_at": finished_at or 1.0,
               "started_at": None, "finished_at": finished_at, "delivered": delivered}
        (state / f"{tid}.json").write_text(json.dumps(rec))

    record("aaaaaaaa", "completed", 30.0)
    record("bbbbbbbb", "error", 10.0)
    record("cccccccc", "completed", 20.0, delivered=True)
    record("dddddddd", "queued", None)
    (state / "broken.json").write_text("{not json")
    (state / "list.json").write_text("[1, 2]")
    (state / "binary.json").write_bytes(b"\xff\xfe\x00")
    (state / "wrongstatus.json").write_text(json.dumps({"task_id": "x", "command": "y", "status": "odd"}))
    mgr = make(state_dir=state)
    assert [n["task_id"] for n in mgr.drain_notifications()] == ["bbbbbbbb", "aaaaaaaa", "dddddddd"]
    assert mgr.task("dddddddd")["status"] == "interrupted"
    assert set(mgr.tasks) == {"aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"}
    assert all(r["status"] in STATUSES for r in mgr.tasks.values())
    tid = tid_of(mgr.run("echo still-works"))
    assert finished(mgr, tid)["status"] == "completed"


def test_no_state_dir_uses_private_log_dir(make, tmp_path):
    mgr = make()
    tid = tid_of(mgr.run(f"printf 'private'; head -c {RESULT_LIMIT} /dev/zero | tr '\\0' y"))
    log = Path(finished(mgr, tid)["output_file"])
    assert log.read_text() == "private" + "y" * RESULT_LIMIT and tmp_path not in log.parents
    mgr.shutdown()
    assert not log.parent.exists()


# -- output through the pipe ------------------------------------------------------
@pytest.mark.parametrize("extra", [0, 1])
def test_output_spills_to_a_file_only_past_the_limit(make, extra):
    mgr = make()
    n = background.SPILL_BYTES + extra
    tid = tid_of(mgr.run(f"head -c {n} /dev/zero | tr '\\0' z"))
    rec = finished(mgr, tid)
    assert rec["output_bytes"] == n and rec["result"] == "z" * RESULT_LIMIT
    if extra:
        assert Path(rec["output_file"]).read_bytes() == b"z" * n
    else:
        assert rec["output_file"] is None and not list(mgr._log_dir.iterdir())


def test_spilled_result_keeps_the_first_characters_not_bytes(make):
    mgr = make()
    # 3-byte characters: the first 50,000 characters are 150,000 bytes, read back from the log file
    tid = tid_of(mgr.run(f"i=0; while [ $i -lt {RESULT_LIMIT // 1000 + 5} ]; do "
                         "printf '%01000d' 0 | sed 's/0/\u4e2d/g'; i=$((i+1)); done"))
    rec = finished(mgr, tid)
    assert rec["result"] == "\u4e2d" * RESULT_LIMIT
    assert rec["output_bytes"] == 3 * 1000 * (RESULT_LIMIT // 1000 + 5)


def test_orphan_holding_the_pipe_does_not_hold_the_task(make):
    mgr = make(reap_orphans=False)
    marker = mark(41)
    t0 = time.perf_counter()
    tid = tid_of(mgr.run(f"sleep {marker} & echo leader-done"))  # the orphan keeps stdout open
    rec = finished(mgr, tid)
    assert rec["status"] == "completed" and rec["result"] == "leader-done"
    assert time.perf_counter() - t0 < 5
    for p in wait_until(lambda: sleepers(marker), timeout=3):
        os.kill(p.pid, signal.SIGKILL)


def test_retry_starts_with_empty_output(make):
    mgr = make(timeout_s=0.5, retries=1)
    flag = Path(mgr.workdir) / "second"
    cmd = (f"if [ -e {flag} ]; then echo second-try; else touch {flag}; "
           f"head -c {2 * RESULT_LIMIT} /dev/zero | tr '\\0' f; sleep 30; fi")
    tid = tid_of(mgr.run(cmd))
    rec = finished(mgr, tid, timeout=20)
    assert rec["status"] == "completed" and rec["attempt"] == 2
    assert rec["result"].endswith("second-try") and "f" * 10 not in rec["result"]
    assert rec["output_bytes"] == len("second-try\n") and rec["output_file"] is None
    assert not list(mgr._log_dir.glob("*.log"))


def test_orphan_that_keeps_writing_does_not_hold_the_task(make):
    mgr = make(reap_orphans=False, max_output_bytes=None)  # `yes` would pass the output cap in 0.2 s
    marker = mark(42)
    tid = tid_of(mgr.run(f"yes orphan-{marker} & sleep 0.2; echo leader-done"))
    rec = finished(mgr, tid)
    assert rec["status"] == "completed" and rec["result"].startswith(f"orphan-{marker}\n")  # it was writing
    assert rec["output_file"] is not None  # more than the buffer holds, so it went on to the log file
    other = tid_of(mgr.run("echo still-served"))
    assert finished(mgr, other)["result"] == "still-served"
    for p in psutil.process_iter(["cmdline"]):
        if p.info["cmdline"] and f"orphan-{marker}" in p.info["cmdline"]:
            p.kill()


FD_LIMIT_SCRIPT = """
import resource, sys, tempfile, time
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
from simulator.real.background import BackgroundManager
mgr = BackgroundManager(tempfile.mkdtemp())
ids = [mgr.run("sleep 30").split()[2] for _ in range(40)]
deadline = time.monotonic() + 20
while any(mgr.task(i)["started_at"] is None and mgr.task(i)["status"] == "running" for i in ids):
    assert time.monotonic() < deadline, "tasks never settled"
    time.sleep(0.02)
errors = {mgr.task(i)["result"] for i in ids if mgr.task(i)["status"] == "error"}
mgr.kill_all()
print(sorted(errors), sorted({mgr.task(i)["status"] for i in ids}), mgr.pending())
mgr.shutdown()
"""


def test_running_out_of_descriptors_fails_tasks_clearly_not_the_manager():
    """Each running command holds two descriptors; past the limit a task ends as an error saying why."""
    done = subprocess.run([sys.executable, "-c", FD_LIMIT_SCRIPT], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['Error: could not start (Too many open files)'] ['error', 'killed'] 0"


def test_raise_open_file_limit_goes_up_to_the_hard_limit_only():
    script = ("import resource\nfrom simulator.real.processes import raise_open_file_limit\n"
              "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
              "got = raise_open_file_limit(4096)\n"
              "want = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)\n"
              "assert got == want == resource.getrlimit(resource.RLIMIT_NOFILE)[0], (got, want)\n"
              "assert raise_open_file_limit(300) == want  # never lowers it\n"
              "print('ok')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


# -- the output cap -------------------------------------------------------------
def test_a_task_past_its_output_cap_is_killed_and_says_why(make):
    mgr = make(max_output_bytes=1_000_000, timeout_s=30)
    started = time.monotonic()
    tid = tid_of(mgr.run("cat /dev/zero"))
    rec = finished(mgr, tid, timeout=20)
    assert time.monotonic() - started < 10
    assert rec["status"] == "killed" and rec["reason"] == "output_limit" and rec["exit_code"] is None
    assert rec["result"].startswith("Killed (output limit: it printed more than 977 KB)\n")
    assert 1_000_000 < rec["output_bytes"] < 1_000_000 + 2**21
    assert os.path.getsize(rec["output_file"]) == 1_000_000  # the log holds the cap, no more
    [note] = mgr.drain_notifications()
    assert note["reason"] == "output_limit" and note["status"] == "killed"


def test_output_under_the_cap_is_untouched(make):
    mgr = make(max_output_bytes=200_000)
    tid = tid_of(mgr.run("head -c 150000 /dev/zero | tr '\\0' y"))
    rec = finished(mgr, tid)
    assert rec["status"] == "completed" and "reason" not in rec and rec["output_bytes"] == 150_000
