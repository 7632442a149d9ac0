"""The player's document carries what this harness adds: killed tasks, progress, tokens, sub-agent lanes."""

from __future__ import annotations

import pytest

from exports.palette import CATEGORY_COLORS
from exports.player.code import code_pane, highlights
from exports.player.document import player_document, run_document
from simulator import load_scenario, run_scenario
from simulator.metrics import metrics


@pytest.fixture(scope="module")
def runs():
    names = ("stop-runaway-task", "output-flood", "multi-agent", "poll-check-background", "task-notification-shape")
    return {n: run_scenario(load_scenario(n), "parallel") for n in names}


def test_a_task_the_model_stopped_ends_killed_with_its_colour(runs):
    doc = player_document({"parallel": runs["stop-runaway-task"]})
    task = doc["runs"]["parallel"]["tasks"][0]
    assert task["states"][-1][1] == "killed" and task["killed_by"] == "model"
    assert doc["colors"]["killed"] == CATEGORY_COLORS["killed"]
    kill = next(st for st in doc["runs"]["parallel"]["steps"] if st["kind"] == "kill")
    assert kill["state"] == "tool" and "kill_background" in kill["say"]  # the run goes on after the stop
    pane = code_pane()
    lines = [next(x["text"] for x in pane[k]["lines"] if x["n"] == n)
             for k, n in highlights({"kind": "kill", "by": "model"}, "parallel", pane)]
    assert any("self.bg.kill(task_id)" in text for text in lines)


def test_progress_events_are_on_their_task_lane_and_in_the_timeline(runs):
    trace = runs["output-flood"]
    doc = run_document(trace)
    events = [ev for ev in trace.events if ev["kind"] == "progress"]
    assert len(doc["progress"]) == len(events) > 1
    row = doc["tasks"][0]["row"]
    assert {p["row"] for p in doc["progress"]} == {row} and doc["tasks"][0]["progress"] == list(range(len(events)))
    assert any(p["more"] for p in doc["progress"])  # the rate limit counted lines it did not show
    ticks = next(layer for layer in doc["timeline"]["layer"] if layer["mark"].get("color") == "#0369a1")
    assert [v["t"] for v in doc["timeline"]["datasets"][ticks["data"]["name"]]] == [ev["t"] for ev in events]
    drained = [d for d in doc["drains"] if d["progress"]]
    assert drained and all(not set(d["progress"]) & set(d["after"]) for d in drained)


def test_each_model_call_has_its_tokens_and_the_steps_a_running_total(runs):
    trace = runs["poll-check-background"]
    doc = run_document(trace)
    m = metrics(trace)
    assert len(doc["calls"]) == m["llm_calls"] + m["agent_llm_calls"]
    assert doc["steps"][-1]["tokens"] == [m["input_tokens"], m["output_tokens"]]
    totals = [st["tokens"][0] + st["tokens"][1] for st in doc["steps"]]
    assert totals == sorted(totals) and totals[0] == 0
    first = doc["calls"][0]
    assert first["estimated"] and first["total_input"] == first["input"]
    assert doc["steps"][first["seq"]]["call"] == 0
    assert doc["token_method"].startswith("Estimated")


def test_sub_agent_lanes_nest_under_their_parent_and_keep_their_own_conversation(runs):
    trace = runs["multi-agent"]
    doc = run_document(trace)
    agents = [lane for lane in doc["lanes"] if lane["kind"] == "agent"]
    assert len(agents) == 3 and all(lane["parent"] == "main" and lane["parent_row"] == 0 for lane in agents)
    assert {t["kind"] for t in doc["tasks"]} == {"agent"}
    assert doc["agent_parts"] and {p["row"] for p in doc["agent_parts"]} == {lane["row"] for lane in agents}
    main_parts = sum(len(ev["msg"].get("content") or []) for ev in trace.events
                     if ev["lane"] == "main" and isinstance(ev.get("msg"), dict))
    assert len(doc["parts"]) == main_parts  # a sub-agent's messages stay out of the main conversation
    calls_by_row = {c["row"] for c in doc["calls"]}
    assert calls_by_row == {0} | {lane["row"] for lane in agents}  # every agent calls its own model
    on_lanes = [st["say"] for st in doc["steps"] if st["row"] and st["kind"] in ("model_start", "tool_start")]
    assert on_lanes and not any("main thread" in say for say in on_lanes)
    assert all(say.startswith(("A (", "B (", "C (")) for say in on_lanes)


def test_the_notification_shape_is_in_the_document(runs):
    assert run_document(runs["task-notification-shape"])["notification_shape"] == "task-notification"
    assert run_document(runs["multi-agent"])["notification_shape"] == "background-results"
