"""Progress notifications: matching lines while a task runs, batched, rate-limited and bounded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from simulator import load_scenario, metrics, run_scenario
from simulator.clock import VirtualClock
from simulator.commands import Outcome
from simulator.errors import InputError
from simulator.notifications import injection_text
from simulator.progress import (
    PROGRESS_LINE_CHARS,
    PROGRESS_LINES,
    PROGRESS_MAX_BATCHES,
    ProgressBatcher,
    plan_batches,
)
from simulator.real.background import BackgroundManager
from simulator.real.progress import MAX_LINE_BYTES, ProgressMonitor
from simulator.scenario import scenario_from_dict
from simulator.snapshot import snapshot
from simulator.trace import TraceRecorder
from simulator.virtual import VirtualBackgroundManager

pytestmark = pytest.mark.timeout(60)


# -- the batcher --------------------------------------------------------------------------------------------
def test_only_matching_lines_count_and_alternatives_split_on_bars():
    b = ProgressBatcher("PASSED | FAILED", 5)
    assert b.feed(0.0, "collecting") is None
    assert b.feed(0.1, "test_a FAILED").lines == ["test_a FAILED"]
    assert b.feed(0.2, "test_b PASSED") is None  # within the interval: it waits
    assert b.next_due() == pytest.approx(5.1)  # 5 s after the batch before
    assert b.due(5.0) is None
    batch = b.due(6.0)
    assert batch.t == pytest.approx(5.1) and batch.lines == ["test_b PASSED"]


def test_a_batch_keeps_its_latest_lines_and_counts_the_rest():
    plan = plan_batches([(i * 0.01, f"line {i}") for i in range(1, 1001)], "line", 5.0, 100.0)
    assert plan[0].lines == ["line 1"] and plan[0].more == 0
    second = plan[1]
    assert second.t == pytest.approx(5.01)
    assert len(second.lines) == PROGRESS_LINES and second.lines[-1] == "line 500" and second.more == 499 - PROGRESS_LINES
    assert len(plan) == 3  # one batch per interval at most, however many lines


def test_lines_are_cut_and_a_task_falls_silent_after_the_cap():
    long = "x" * 1000 + " hit"
    b = ProgressBatcher("hit", 0.5)
    assert len(b.feed(0, long).lines[0]) == PROGRESS_LINE_CHARS
    plan = plan_batches([(i * 1.0, "hit") for i in range(300)], "hit", 0.5, 1000)
    assert len(plan) == PROGRESS_MAX_BATCHES


def test_lines_still_waiting_when_the_task_ends_are_dropped():
    plan = plan_batches([(0.0, "hit 1"), (1.0, "hit 2")], "hit", 5.0, 3.0)
    assert [b.lines for b in plan] == [["hit 1"]]


# -- under the virtual clock ------------------------------------------------------------------------------------
def test_progress_items_fold_into_one_per_task_in_the_queue():
    clock = VirtualClock()
    rec = TraceRecorder(clock)
    lines = tuple((float(i), f"step {i}") for i in range(1, 20))
    bg = VirtualBackgroundManager(clock, {"build": Outcome(30, 0, "built\n", lines=lines)}, recorder=rec,
                                  progress_interval_s=2.0)
    bg.run("build", progress="step")
    clock.advance_to(10)
    queue = bg.queue_snapshot()
    assert len(queue) == 1 and queue[0]["kind"] == "progress" and queue[0]["status"] == "running"
    # batches at 1 s (step 1), 3 s (step 2), 5, 7 and 9 s (two lines each); step 9 waits until 11 s
    assert len([e for e in rec.trace.events if e["kind"] == "progress"]) == 5
    assert queue[0]["lines"] == [f"step {i}" for i in range(4, 9)] and queue[0]["more"] == 3
    assert injection_text(queue) == (f"<background-results>\n[bg:{queue[0]['task_id']}] progress: step 4 | step 5 | "
                                     "step 6 | step 7 | step 8 (+3 more lines)\n</background-results>")
    got = bg.drain_notifications()
    assert got == queue and not bg.tasks[queue[0]["task_id"]]["delivered"]  # progress is not the result
    clock.advance_to(100)
    kinds = [n.get("kind") for n in bg.drain_notifications()]
    assert kinds[-1] is None and kinds.count("progress") == 1


def test_the_flood_scenario_stays_bounded():
    trace = run_scenario(load_scenario("output-flood"), "parallel")
    progress = [e for e in trace.events if e["kind"] == "progress"]
    assert 10 <= len(progress) <= 64 / 5 + 1  # 6,000 matching lines, at most one batch per 5 s
    assert all(len(e["lines"]) <= PROGRESS_LINES for e in progress)
    assert sum(len(e["lines"]) + e.get("more", 0) for e in progress) <= 6000
    injects = [e for e in trace.events if e["kind"] == "inject"]
    assert all(len(e["text"]) < 2000 for e in injects)
    m = metrics(trace)
    assert m["progress_notes"] == len(progress) and m["llm_calls"] <= 20
    fin = next(e for e in trace.events if e["kind"] == "finish")
    assert fin["output_bytes"] == 3_000_000
    drain = next(e for e in trace.events if e["kind"] == "drain" and e.get("progress"))
    at = snapshot(trace, drain["seq"] - 1)
    assert at.queue and at.queue[0]["kind"] == "progress"
    assert not snapshot(trace, drain["seq"]).queue


def test_in_the_serial_harness_there_is_no_progress():
    trace = run_scenario(load_scenario("output-flood"), "serial")
    assert not [e for e in trace.events if e["kind"] == "progress"]


@pytest.mark.parametrize("lines,problem", [
    ([{"at_s": 1, "text": "x", "repeat": 10001}], "repeat must be between 1 and 10000"),
    ([{"at_s": 1, "text": "x", "repeat": 6000}, {"at_s": 1, "text": "y", "repeat": 5000}], "more than 10000 lines"),
    ([{"at_s": -1, "text": "x"}], "at_s must be a number of seconds between 0 and 86400"),
    ([{"at_s": 1}], "text must be a string"),
    ("lots", "must be a list of lines"),
])
def test_bad_line_declarations_are_one_line_errors(lines, problem):
    data = load_scenario("output-flood").to_dict()
    data["commands"]["npm run build"]["lines"] = lines
    with pytest.raises(InputError) as err:
        scenario_from_dict(data, "bad.json")
    assert problem in str(err.value) and "\n" not in str(err.value)


def test_a_progress_pattern_the_model_gives_is_checked():
    data = load_scenario("output-flood").to_dict()
    data["turns"][0]["tools"][0]["input"]["progress"] = " | "
    with pytest.raises(InputError, match="progress must contain some text"):
        scenario_from_dict(data, "bad.json")


# -- under the real clock -----------------------------------------------------------------------------------------
def test_a_real_task_reports_its_lines_while_it_runs(tmp_path: Path):
    rec_clock = VirtualClock()  # only for event times; the manager runs in real time
    rec = TraceRecorder(rec_clock)
    with BackgroundManager(tmp_path, recorder=rec, timeout_s=20) as bg:
        bg.progress_interval_s = 0.5
        tid = bg.run("for i in 1 2 3 4 5 6; do echo \"tick $i\"; echo noise; sleep 0.25; done; echo end",
                     progress="tick")[16:24]
        deadline = time.monotonic() + 10
        seen = []
        while time.monotonic() < deadline and bg.task(tid)["status"] == "running":
            seen += [n for n in bg.drain_notifications() if n.get("kind") == "progress"]
            time.sleep(0.05)
        assert seen, "progress arrived while the task ran"
        assert all(line.startswith("tick ") for n in seen for line in n["lines"])
        assert bg.task(tid)["progress"] == "tick"
    events = [e for e in rec.trace.events if e["kind"] == "progress"]
    assert 2 <= len(events) <= 4  # six ticks in 1.5 s, at most one batch per 0.5 s
    assert events[0]["lines"] == ["tick 1"]


def test_the_real_monitor_cuts_lines_and_keeps_partial_ones():
    got = []
    monitor = ProgressMonitor("hit", 0.5, got.append)
    monitor.feed(b"a hit")
    assert not got  # no newline yet
    monitor.feed(b" more\n" + b"y" * (MAX_LINE_BYTES + 100) + b"hit\nnext hit\n")
    assert got[0].lines == ["a hit more"]
    monitor.close()
    monitor.feed(b"late hit\n")
    assert len(got) == 1
