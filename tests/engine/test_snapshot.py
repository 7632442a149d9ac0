"""Snapshots: each step's state from the trace alone."""

from __future__ import annotations

from simulator import load_scenario, run_scenario, snapshot
from simulator.trace import Trace


def test_snapshot_is_independent_of_previous_steps():
    trace = run_scenario(load_scenario("multi-agent"))
    fresh = Trace.from_dict(trace.to_dict(), "copy")
    forward = [snapshot(trace, i) for i in range(len(trace.events))]
    for i in reversed(range(len(fresh.events))):  # backwards, on a new object
        s = snapshot(fresh, i)
        assert (s.phase, s.tasks, s.queue, s.messages, s.explanation) == (
            forward[i].phase, forward[i].tasks, forward[i].queue, forward[i].messages, forward[i].explanation)


def test_queue_and_drain_point_contents():
    trace = run_scenario(load_scenario("finish-during-model-call"))
    enq = next(e["seq"] for e in trace.events if e["kind"] == "enqueue")
    assert len(snapshot(trace, enq).queue) == 1
    assert snapshot(trace, enq).phase == "model"
    drain = next(e["seq"] for e in trace.events if e["kind"] == "drain" and e["delivered"])
    s = snapshot(trace, drain)
    assert s.is_drain_point and s.drain["queue_before"] and s.drain["queue_after"] == []
    assert s.inject["text"].startswith("<background-results>\n[bg:")
    after = snapshot(trace, drain + 1)
    assert after.queue == [] and after.messages[-1]["injected"] == [len(after.messages[-1]["content"]) - 1]


def test_task_table_statuses_over_time():
    trace = run_scenario(load_scenario("fan-out-20"))
    first_start = next(e["seq"] for e in trace.events if e["kind"] == "task_start")
    queued = next(e["seq"] for e in trace.events if e["kind"] == "task_queued")
    assert "queued" in {t["status"] for t in snapshot(trace, queued).tasks}
    assert snapshot(trace, first_start).tasks[0]["status"] == "running"
    last = snapshot(trace, len(trace.events) - 1)
    assert len(last.tasks) == 20 and all(t["delivered"] for t in last.tasks)
    assert sorted(t["exit_code"] for t in last.tasks).count(1) == 2


def test_explanations_are_one_sentence():
    trace = run_scenario(load_scenario("timeout"))
    for i in range(len(trace.events)):
        text = snapshot(trace, i).explanation
        assert text and "\n" not in text and text.rstrip().endswith((".", ")", ":"))
