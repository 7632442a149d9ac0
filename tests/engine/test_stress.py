"""Stress and fault tests of the real BackgroundManager: many tasks, concurrent drains, a process killed mid-run.

Short by default (CI); ``pytest --stress-long`` runs bigger and repeated versions.
No assertion here is about timing: only about what is delivered, recorded and recovered.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from simulator.notifications import FINAL_STATUSES
from simulator.real.background import BackgroundManager

ROOT = Path(__file__).resolve().parents[2]
ID_RE = re.compile(r"^Background task ([0-9a-f]{8}) started: ")

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def long_mode(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--stress-long"))


def tid_of(reply: str) -> str:
    m = ID_RE.match(reply)
    assert m, reply
    return m.group(1)


def wait_until(pred: Callable[[], Any], timeout: float, what: str) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"{what}: not reached within {timeout:g} s")


def run_drainers(mgr: BackgroundManager, n_threads: int, stop: threading.Event) -> tuple[list[threading.Thread],
                                                                                          list[list[dict]]]:
    """Start ``n_threads`` threads that drain as fast as they can (half of them block on wait_for_notification)."""
    got: list[list[dict]] = [[] for _ in range(n_threads)]

    def body(i: int) -> None:
        while not stop.is_set():
            if i % 2:
                mgr.wait_for_notification(0.05)
            got[i].extend(mgr.drain_notifications())
            if i % 2 == 0:
                time.sleep(0)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(n_threads)]
    for t in threads:
        t.start()
    return threads, got


# -- exactly once under concurrent drains ---------------------------------------
def test_every_task_delivered_exactly_once_under_concurrent_drains(tmp_path: Path, long_mode: bool) -> None:
    n = 5000 if long_mode else 1000
    stop = threading.Event()
    expected: dict[str, tuple[str, int]] = {}
    with BackgroundManager(tmp_path) as mgr:
        threads, got = run_drainers(mgr, 4, stop)
        readers_ok = []

        def reader() -> None:  # reads the records while they change
            while not stop.is_set():
                tasks = mgr.tasks
                mgr.check()
                readers_ok.append(all(t["status"] in FINAL_STATUSES | {"running", "queued"} for t in tasks.values()))
                time.sleep(0.005)

        rt = threading.Thread(target=reader, daemon=True)
        rt.start()
        for i in range(n):
            code = 3 if i % 7 == 0 else 0
            cmd = f"echo out-{i}; exit {code}" if code else f"echo out-{i}"
            expected[tid_of(mgr.run(cmd))] = (f"out-{i}", code)
        wait_until(lambda: mgr.pending() == 0, 300, "all tasks finished")
        wait_until(lambda: sum(map(len, got)) >= n, 30, "all notifications drained")
        stop.set()
        for t in [*threads, rt]:
            t.join(5)
        late = mgr.drain_notifications()
        records = mgr.tasks

    items = [it for g in got for it in g] + late
    counts = Counter(it["task_id"] for it in items)
    assert len(items) == n, f"{len(items) - n:+d} notifications"
    assert set(counts) == set(expected)
    assert max(counts.values()) == 1
    assert all(readers_ok)
    assert sum(1 for g in got if g) >= 2, "the drains did not actually run concurrently"
    for it in items:
        out, code = expected[it["task_id"]]
        if code:
            assert it["status"] == "error" and it["exit_code"] == code
            assert it["result"] == f"[exit code {code}]\n{out}"
        else:
            assert it["status"] == "completed" and it["exit_code"] == 0
            assert it["result"] == out
        assert records[it["task_id"]]["delivered"] is True


def test_kills_racing_with_exits_still_deliver_each_task_once(tmp_path: Path, long_mode: bool) -> None:
    n = 1000 if long_mode else 200
    rnd = random.Random(8)
    stop = threading.Event()
    with BackgroundManager(tmp_path, max_concurrent=16) as mgr:
        threads, got = run_drainers(mgr, 3, stop)
        ids = [tid_of(mgr.run(f"sleep {rnd.choice(['0', '0.01', '0.05', '0.2'])}; echo done")) for _ in range(n)]
        killer_replies: list[str] = []

        def killer() -> None:
            for tid in rnd.sample(ids, n // 2):
                killer_replies.append(mgr.kill(tid))

        kt = threading.Thread(target=killer, daemon=True)
        kt.start()
        kt.join(120)
        wait_until(lambda: mgr.pending() == 0, 120, "all tasks finished")
        wait_until(lambda: sum(map(len, got)) >= n, 30, "all notifications drained")
        stop.set()
        for t in threads:
            t.join(5)
        items = [it for g in got for it in g] + mgr.drain_notifications()
        records = mgr.tasks

    counts = Counter(it["task_id"] for it in items)
    assert set(counts) == set(ids) and max(counts.values()) == 1
    for it in items:
        assert it["status"] in ("completed", "killed"), it
        assert records[it["task_id"]]["status"] == it["status"]
        if it["status"] == "completed":
            assert it["result"] == "done"
    assert len(killer_replies) == n // 2
    assert any(r.startswith("Killed task") for r in killer_replies)


# -- a manager process killed with SIGKILL ----------------------------------------
CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from simulator.real.background import BackgroundManager

    state, work = Path(sys.argv[2]), sys.argv[3]
    n_fast, n_slow = int(sys.argv[4]), int(sys.argv[5])
    mgr = BackgroundManager(work, state_dir=state)

    def ids(replies):
        return [r.split()[2] for r in replies]

    def on_disk(tid):
        try:
            return json.loads((state / f"{tid}.json").read_text())
        except (OSError, ValueError):
            return {}

    def wait(pred):
        end = time.monotonic() + 60
        while not pred():
            if time.monotonic() > end:
                sys.exit("timed out")
            time.sleep(0.01)

    # batch A: finished and delivered before the crash
    a = ids([mgr.run(f"echo a-{i}") for i in range(n_fast)])
    wait(lambda: all(on_disk(t).get("status") == "completed" for t in a))
    drained = []
    wait(lambda: drained.extend(n["task_id"] for n in mgr.drain_notifications()) or set(drained) >= set(a))
    wait(lambda: all(on_disk(t).get("delivered") is True for t in a))
    # batch B: finished, not yet delivered; then long commands still running
    b = ids([mgr.run(f"echo b-{i}; exit {i % 2}") for i in range(n_fast)])
    wait(lambda: all(on_disk(t).get("status") in ("completed", "error") for t in b))
    slow = ids([mgr.run("sleep 100") for _ in range(n_slow)])
    wait(lambda: all(on_disk(t).get("started_at") for t in slow))
    print(json.dumps({"a": a, "b": b, "slow": slow}), flush=True)
    time.sleep(600)
""")

STREAM_CHILD = textwrap.dedent("""
    import sys, time
    from simulator.real.background import BackgroundManager

    mgr = BackgroundManager(sys.argv[3], state_dir=sys.argv[2], max_concurrent=int(sys.argv[4]))
    print("ready", flush=True)
    i = 0
    while True:  # a steady stream of tasks, some slow, with drains in between, until killed
        mgr.run(f"echo r-{i}" if i % 5 else f"sleep 0.{i % 4}; echo r-{i}")
        if i % 3 == 0:
            mgr.drain_notifications()
        i += 1
        time.sleep(0.002)
""")


def _sigkill_with_orphans(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    """SIGKILL ``proc``; returns the processes it had started (now orphans)."""
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    return children


def _kill_groups(procs: list[psutil.Process]) -> None:
    """Kill the process groups the dead manager left behind (each task leads its own group)."""
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=10)


def _start_child(script: str, *args: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", script, str(ROOT), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _read_line(proc: subprocess.Popen[str], timeout: float = 120) -> str:
    box: list[str] = []
    t = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    t.start()
    t.join(timeout)
    if not box or not box[0]:
        proc.kill()
        raise AssertionError(f"child gave no line: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
    return box[0]


def test_sigkill_mid_run_then_recover(tmp_path: Path, long_mode: bool) -> None:
    state, work = tmp_path / "state", tmp_path / "work"
    work.mkdir()
    n_fast, n_slow = (40, 10) if long_mode else (12, 4)
    child = _start_child(CHILD, state, work, n_fast, n_slow)
    orphans: list[psutil.Process] = []
    try:
        ids = json.loads(_read_line(child))
        orphans = _sigkill_with_orphans(child)
        sleeps = [p for p in orphans if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert len(sleeps) >= n_slow, "the long commands should outlive the killed manager"
    finally:
        if child.poll() is None:
            child.kill()
        _kill_groups(orphans)

    with BackgroundManager(work, state_dir=state) as mgr:
        recs = mgr.tasks
        assert set(recs) == set(ids["a"]) | set(ids["b"]) | set(ids["slow"])
        for i, tid in enumerate(ids["a"]):
            assert recs[tid]["status"] == "completed" and recs[tid]["result"] == f"a-{i}"
            assert recs[tid]["delivered"] is True
        for i, tid in enumerate(ids["b"]):
            status = "completed" if i % 2 == 0 else "error"
            assert recs[tid]["status"] == status and recs[tid]["exit_code"] == i % 2
            assert f"b-{i}" in recs[tid]["result"]
            assert recs[tid]["delivered"] is False
        for tid in ids["slow"]:
            assert recs[tid]["status"] == "interrupted" and recs[tid]["exit_code"] is None
        assert mgr.pending() == 0

        first = mgr.drain_notifications()
        assert Counter(n["task_id"] for n in first) == Counter(ids["b"] + ids["slow"])
        assert {n["status"] for n in first if n["task_id"] in ids["slow"]} == {"interrupted"}
        assert mgr.drain_notifications() == []
        assert "interrupted" in mgr.check(ids["slow"][0]).lower()

    with BackgroundManager(work, state_dir=state) as again:  # what was delivered stays delivered
        assert again.drain_notifications() == []
        assert again.tasks == recs | {t: {**recs[t], "delivered": True} for t in ids["b"] + ids["slow"]}


def test_sigkill_at_random_moments_loses_no_finished_result(tmp_path: Path, long_mode: bool) -> None:
    rnd = random.Random(1234)
    for attempt in range(8 if long_mode else 2):
        state, work = tmp_path / f"state{attempt}", tmp_path / f"work{attempt}"
        work.mkdir()
        child = _start_child(STREAM_CHILD, state, work, rnd.choice([2, 4, 64]))
        orphans: list[psutil.Process] = []
        try:
            assert _read_line(child).strip() == "ready"
            time.sleep(rnd.uniform(0.3, 1.2))
            orphans = _sigkill_with_orphans(child)
        finally:
            if child.poll() is None:
                child.kill()
            _kill_groups(orphans)

        files = sorted(p for p in state.glob("*.json"))
        assert files, "the child should have recorded some tasks"
        on_disk = {p.stem: json.loads(p.read_text()) for p in files}  # every record is whole JSON
        with BackgroundManager(work, state_dir=state) as mgr:
            recs = mgr.tasks
            assert set(recs) == set(on_disk)
            for tid, rec in recs.items():
                assert rec["status"] in FINAL_STATUSES, rec
                n = rec["command"].rsplit("r-", 1)[1]
                if rec["status"] == "completed":
                    assert rec["result"] == f"r-{n}", rec
                if on_disk[tid]["status"] in ("completed", "error"):  # finished before the crash: kept as is
                    assert rec["status"] == on_disk[tid]["status"] and rec["result"] == on_disk[tid]["result"]
                else:
                    assert rec["status"] == "interrupted"
            drained = mgr.drain_notifications()
            counts = Counter(n["task_id"] for n in drained)
            assert set(counts) == {t for t, r in on_disk.items() if not r.get("delivered")}
            assert not counts or max(counts.values()) == 1
            assert mgr.drain_notifications() == []
