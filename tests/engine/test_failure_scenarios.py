"""Failures you can replay: a lost late result, polling instead of waiting, a flood, a task that never ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import load_scenario, metrics, run_scenario
from simulator.runs import RealRun
from simulator.scenario import list_scenarios
from simulator.scripted_model import ScriptedModel, ScriptTurn

pytestmark = pytest.mark.timeout(60)
FAILURES = ("end-turn-loses-result", "poll-check-background", "output-flood", "dev-server-until-stopped",
            "stop-runaway-task")


@pytest.mark.parametrize("name", FAILURES + ("wait-for-result", "retry-and-priority", "fix-and-rerun-tests",
                                             "task-notification-shape", "multi-agent-one-slot"))
def test_each_new_scenario_has_a_title_summary_and_description(name: str):
    scenario = next(s for s in list_scenarios() if s.name == name)
    assert scenario.title and scenario.summary and len(scenario.description) > 100
    assert scenario.raw["version"] == 2


def test_the_known_bug_returns_at_end_turn_and_the_late_result_is_lost():
    buggy = run_scenario(load_scenario("end-turn-loses-result"), "parallel")
    end = buggy.events[-1]
    fin = next(e for e in buggy.events if e["kind"] == "finish")
    assert end["reason"] == "end_turn" and end["returned_t"] < fin["t"] and end["undelivered"] == [fin["task_id"]]
    assert fin["status"] == "completed"  # it finished, but nobody told the model
    assert not [e for e in buggy.events if e["kind"] in ("wait_start", "inject")]
    assert metrics(buggy)["undelivered_results"] == 1 and metrics(buggy)["llm_calls"] == 2
    # the same scenario with the harness's default (it waits) delivers the result
    fixed = load_scenario("end-turn-loses-result").to_dict()
    fixed["settings"]["end_turn_waits"] = True
    from simulator.scenario import scenario_from_dict

    good = run_scenario(scenario_from_dict(fixed, "fixed"), "parallel")
    assert good.events[-1].get("undelivered") is None
    assert any(e["kind"] == "inject" and fin["task_id"] in e["task_ids"] for e in good.events)


def test_the_bug_is_off_by_default():
    assert load_scenario("result-after-end-turn").settings["end_turn_waits"] is True


def test_the_known_bug_under_the_real_clock(tmp_path: Path):
    turns = [ScriptTurn([{"type": "tool_use", "name": "background_run", "input": {"command": "sleep 0.4; echo late"}}],
                        "tool_use"),
             ScriptTurn([{"type": "text", "text": "Started it; nothing else to do."}])]
    run = RealRun(ScriptedModel(turns, default_latency_s=0.0), "go", tmp_path / "w", end_wait_s=10,
                  end_turn_waits=False)
    assert run.start() == "end_turn"
    end = run.trace.events[-1]
    assert len(end["undelivered"]) == 1 and end["returned_t"] < end["t"]
    assert not [e for e in run.trace.events if e["kind"] == "inject"]


def test_polling_costs_calls_and_tokens_that_waiting_does_not():
    poll = metrics(run_scenario(load_scenario("poll-check-background"), "parallel"))
    wait = metrics(run_scenario(load_scenario("wait-for-result"), "parallel"))
    assert poll["wall_s"] == wait["wall_s"]  # the result arrives at the same moment
    assert poll["llm_calls"] == 17 and wait["llm_calls"] == 3
    assert poll["input_tokens"] > 5 * wait["input_tokens"] and poll["output_tokens"] > 5 * wait["output_tokens"]
    assert poll["tokens_estimated"] and wait["tokens_estimated"]


def test_polling_checks_see_the_task_running_until_it_finishes():
    trace = run_scenario(load_scenario("poll-check-background"), "parallel")
    checks = [e["result"] for e in trace.events if e["kind"] == "check"]
    assert len(checks) == 15 and all(c.startswith("[running]") for c in checks[:-1])
    assert checks[-1].startswith("[completed]")  # the call that ended as the task did


def test_a_never_ending_task_is_stopped_by_the_model_after_it_served():
    trace = run_scenario(load_scenario("dev-server-until-stopped"), "parallel")
    kinds = [(e["kind"], e.get("tool")) for e in trace.events if e["lane"] == "main"]
    ready = next(e for e in trace.events if e["kind"] == "progress")
    assert "ready in 2712 ms" in ready["text"]
    curl = kinds.index(("tool_start", "bash"))
    kill = kinds.index(("kill", None))
    assert curl < kill
    fin = next(e for e in trace.events if e["kind"] == "finish")
    assert fin["status"] == "killed" and trace.events[-1]["reason"] == "end_turn"
    serial = run_scenario(load_scenario("dev-server-until-stopped"), "serial")
    end = next(e for e in serial.events if e["kind"] == "tool_end" and e["tool"] == "background_run")
    assert end["result"].startswith("Error: Timeout (120s)")  # the serial harness is stuck until the limit
