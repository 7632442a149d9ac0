"""The panels: drain points, queue and drain tables, messages, the task table."""

from __future__ import annotations

import pytest

from simulator import load_scenario, run_scenario, snapshot
from views import panels


@pytest.fixture(scope="module")
def trace():
    return run_scenario(load_scenario("tests-and-docs"), "parallel")


def test_drain_steps_and_jumps(trace):
    drains = panels.drain_steps(trace)
    assert drains == [ev["seq"] for ev in trace.events if ev["kind"] == "drain"] and len(drains) == 4
    assert panels.next_drain_step(trace, 0) == drains[0]
    assert panels.next_drain_step(trace, drains[1]) == drains[2]
    assert panels.prev_drain_step(trace, drains[1]) == drains[0]
    assert panels.prev_drain_step(trace, drains[0]) is None
    assert panels.next_drain_step(trace, drains[-1]) is None
    assert panels.clamp_step(trace, 999) == panels.last_step(trace) == len(trace.events) - 1
    assert panels.clamp_step(trace, -3) == 0


def test_drain_panel_shows_queue_before_after_and_the_injected_text(trace):
    drain = next(ev for ev in trace.events if ev["kind"] == "drain" and ev["delivered"])
    inject = trace.events[drain["seq"] + 1]
    for step in (drain["seq"], inject["seq"]):
        info = panels.drain_panel(trace, step)
        assert info["current"] and info["step"] == drain["seq"]
        assert info["text"] == inject["text"] and info["text"].startswith("<background-results>")
        assert [r["task"] for r in info["before"]] == [f"bg:{t}" for t in drain["delivered"]]
        assert info["after"] == []
    later = panels.drain_panel(trace, inject["seq"] + 1)
    assert later["step"] == drain["seq"] and not later["current"]


def test_drain_panel_before_the_first_drain_and_in_serial(trace):
    assert panels.drain_panel(trace, 0) is None
    serial = run_scenario(load_scenario("tests-and-docs"), "serial")
    assert all(panels.drain_panel(serial, s) is None for s in range(len(serial.events)))


def test_empty_drain_has_no_text(trace):
    info = panels.drain_panel(trace, panels.drain_steps(trace)[0])
    assert info["text"] is None and info["before"] == []


def test_queue_rows_at_an_enqueue(trace):
    step = next(ev["seq"] for ev in trace.events if ev["kind"] == "enqueue")
    rows = panels.queue_rows(snapshot(trace, step).queue)
    assert rows == [{"task": rows[0]["task"], "status": "completed", "exit code": 0,
                     "command": "pytest tests/ -v", "result (preview)": rows[0]["result (preview)"]}]
    assert "212 passed" in rows[0]["result (preview)"]


def test_task_rows_and_check_output_follow_the_task(trace):
    spawn = next(ev for ev in trace.events if ev["kind"] == "spawn")
    running = snapshot(trace, spawn["seq"] + 1)
    rows = panels.task_rows(running)
    assert rows[0]["status"] == "running" and rows[0]["finished (s)"] is None and not rows[0]["delivered"]
    assert panels.check_output(running) == f"{spawn['task_id']}: [running] pytest tests/ -v"
    done = snapshot(trace, len(trace.events) - 1)
    row = panels.task_rows(done)[0]
    assert row["status"] == "completed" and row["finished (s)"] == pytest.approx(60.6) and row["delivered"]


def test_message_items_mark_injected_blocks_and_compact_tools(trace):
    snap = snapshot(trace, len(trace.events) - 1)
    items = panels.message_items(snap.messages)
    assert items[0]["role"] == "user" and items[0]["parts"][0]["kind"] == "text"
    injected = [p for m in items for p in m["parts"] if p["injected"]]
    assert len(injected) == 1 and injected[0]["text"].startswith("<background-results>")
    uses = [p["text"] for m in items for p in m["parts"] if p["kind"] == "tool_use"]
    assert uses[0] == "background_run(command='pytest tests/ -v')"
    results = [p["text"] for m in items for p in m["parts"] if p["kind"] == "tool_result"]
    assert results[0].startswith("-> result: Background task ")


def test_long_text_is_cut():
    items = panels.message_items([{"role": "user", "content": [{"type": "text", "text": "x" * 5000}],
                                   "injected": []}])
    assert len(items[0]["parts"][0]["text"]) < 700 and "more characters" in items[0]["parts"][0]["text"]


def test_step_caption_and_main_status(trace):
    snap = snapshot(trace, 16)
    assert panels.step_caption(snap) == f"Step 16 of {len(trace.events) - 1} · t = {snap.t:.1f} s"
    assert panels.main_status(snap, "parallel").startswith("idle")
    serial = run_scenario(load_scenario("tests-and-docs"), "serial")
    step = next(ev["seq"] for ev in serial.events if ev["kind"] == "tool_start" and ev.get("blocking"))
    assert panels.main_status(snapshot(serial, step), "serial").startswith("blocked")
