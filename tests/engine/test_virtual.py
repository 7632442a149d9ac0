"""The virtual BackgroundManager and clock: same interface as the real one, deterministic time."""

from __future__ import annotations

import re

from simulator.clock import VirtualClock
from simulator.commands import Outcome
from simulator.trace import TraceRecorder
from simulator.virtual import VirtualBackgroundManager, VirtualRuntime

ID = re.compile(r"^Background task ([0-9a-f]{8}) started: (.*)$")


def make(**kw):
    clock = VirtualClock()
    rec = TraceRecorder(clock)
    outcomes = {"sleep 5": Outcome(5, 0, "done\n"), "fail": Outcome(1, 3, "bad\n"), "hang": Outcome(100, 0, "")}
    return clock, rec, VirtualBackgroundManager(clock, outcomes, recorder=rec, **kw)


def test_run_returns_at_once_with_an_8_hex_id():
    clock, _, bg = make()
    m = ID.match(bg.run("sleep 5"))
    assert m and clock.now() == 0
    clock.advance_to(4.9)
    assert bg.drain_notifications() == []
    clock.advance_to(5.0)
    [note] = bg.drain_notifications()
    assert note["task_id"] == m.group(1) and note["status"] == "completed" and note["result"] == "done"
    assert set(note) >= {"task_id", "status", "command", "result", "exit_code", "output_file"}
    assert bg.drain_notifications() == []


def test_exit_code_is_kept_and_unknown_task():
    clock, _, bg = make()
    tid = ID.match(bg.run("fail")).group(1)
    clock.advance_to(2)
    assert bg.drain_notifications()[0]["exit_code"] == 3
    assert bg.check(tid).startswith("[error (exit 3)]")
    assert bg.check("deadbeef") == "Error: Unknown task deadbeef"


def test_timeout_and_retries():
    clock, rec, bg = make(timeout_s=10, retries=1)
    bg.run("hang")
    clock.advance_to(100)
    [note] = bg.drain_notifications()
    assert note["status"] == "timeout" and note["result"].startswith("[attempt 2 of 2]\nError: Timeout (10s)")
    assert [e["kind"] for e in rec.trace.events].count("retry") == 1
    finish = next(e for e in rec.trace.events if e["kind"] == "finish")
    assert finish["t"] == 20


def test_concurrency_limit_and_priority():
    clock, rec, bg = make(max_concurrent=1)
    bg.run("sleep 5")
    bg.run("fail", priority=5)
    bg.run("sleep 5", priority=1)
    clock.advance_to(1000)
    starts = [(e["t"], e["command"]) for e in rec.trace.events if e["kind"] == "task_start"]
    assert starts == [(0, "sleep 5"), (5, "sleep 5"), (10, "fail")]


def test_kill_and_dangerous_command():
    clock, _, bg = make()
    tid = ID.match(bg.run("hang")).group(1)
    assert bg.kill(tid) == f"Killed task {tid}: hang"
    assert bg.kill(tid) == f"Task {tid} already finished (killed)"
    assert bg.drain_notifications()[0]["status"] == "killed"
    assert bg.pending() == 0
    assert bg.run("sudo rm -rf /").startswith("Error: Dangerous command blocked")
    assert len(bg.tasks) == 1


def test_wait_for_notification_moves_virtual_time():
    clock, _, bg = make()
    bg.run("sleep 5")
    assert bg.wait_for_notification(2) is False and clock.now() == 2
    assert bg.wait_for_notification(60) is True and clock.now() == 5


def test_runtime_confines_files_to_the_work_directory():
    clock = VirtualClock()
    rt = VirtualRuntime(clock, {}, {"a.txt": "x"})
    assert rt.read_file("a.txt") == "x"
    for bad in ("../etc/passwd", "/etc/passwd", "a/../../b"):
        try:
            rt.read_file(bad)
        except Exception as exc:  # noqa: BLE001
            assert "escapes" in str(exc)
        else:
            raise AssertionError(bad)
