"""Outcomes by occurrence: every run of a command has its own, in scenarios and in recordings (format version 2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from simulator import load_scenario, run_scenario
from simulator.clock import VirtualClock
from simulator.commands import CommandSpec, CommandTable, Outcome
from simulator.recording import recording_from_trace, task_outputs
from simulator.runs import RealRun
from simulator.scenario import V1_NOTE, scenario_from_dict
from simulator.scripted_model import ScriptedModel, ScriptTurn
from simulator.virtual import VirtualBackgroundManager, VirtualRuntime

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]


def test_each_run_takes_the_next_outcome_and_the_last_one_repeats():
    table = CommandTable({"t": CommandSpec(runs=[Outcome(1, 1, "a"), Outcome(1, 0, "b")])})
    assert [table.next("t").output for _ in range(3)] == ["a", "b", "b"]
    assert table.next("nope").exit_code == 127 and table.runs_of("t") == 3


def test_blocking_and_background_runs_share_one_count():
    clock = VirtualClock()
    table = CommandTable({"t": CommandSpec(runs=[Outcome(1, 1, "first"), Outcome(1, 0, "second")])})
    assert VirtualRuntime(clock, table).run_command("t").text == "[exit code 1]\nfirst"
    bg = VirtualBackgroundManager(clock, table)
    bg.run("t")
    clock.advance_to(5)
    assert bg.drain_notifications()[0]["result"] == "second"


def test_the_fix_and_rerun_scenario_fails_then_passes():
    for mode in ("parallel", "serial"):
        trace = run_scenario(load_scenario("fix-and-rerun-tests"), mode)
        if mode == "parallel":
            results = [e["status"] for e in trace.events if e["kind"] == "finish"]
        else:
            results = ["error" if e["result"].startswith("[exit code") else "completed"
                       for e in trace.events if e["kind"] == "tool_end" and e["tool"] == "background_run"]
        assert results == ["error", "completed"], mode
        assert trace.events[-1]["reason"] == "end_turn"


def test_the_model_waits_for_the_second_runs_result_not_the_first():
    trace = run_scenario(load_scenario("fix-and-rerun-tests"), "parallel")
    last_finish = [e for e in trace.events if e["kind"] == "finish"][-1]
    final = [e for e in trace.events if e["kind"] == "model_end"][-1]
    assert final["t"] > last_finish["t"] and "all 7 tests pass" in final["content"][0]["text"]


def test_a_recording_keeps_every_run_of_a_command(tmp_path: Path):
    work = tmp_path / "w"
    work.mkdir()
    command = "if [ -f fixed ]; then echo '1 passed'; else echo '1 failed'; exit 1; fi"
    turns = [ScriptTurn([{"type": "tool_use", "name": "background_run", "input": {"command": command}}], "tool_use"),
             ScriptTurn([{"type": "text", "text": "waiting"}], while_pending=True),
             ScriptTurn([{"type": "tool_use", "name": "bash", "input": {"command": "touch fixed"}}], "tool_use",
                        needs=[command]),
             ScriptTurn([{"type": "tool_use", "name": "background_run", "input": {"command": command}}], "tool_use"),
             ScriptTurn([{"type": "text", "text": "waiting"}], while_pending=True),
             ScriptTurn([{"type": "text", "text": "fixed"}], needs=[command])]
    run = RealRun(ScriptedModel(turns, default_latency_s=0.0), "fix it", work, end_wait_s=10)
    assert run.start() == "end_turn"
    data = recording_from_trace(run.trace, outputs_measured=task_outputs(run.bg), llm_kind="scripted")
    assert data["version"] == 2
    runs = data["commands"][command]["runs"]
    assert [(r["exit_code"], r["output"]) for r in runs] == [(1, "1 failed\n"), (0, "1 passed\n")]
    scenario = scenario_from_dict(copy.deepcopy(data), "rec.json")
    replay = run_scenario(scenario, "parallel")
    assert [e["status"] for e in replay.events if e["kind"] == "finish"] == ["error", "completed"]
    assert replay.events[-1]["reason"] == "end_turn"


def test_the_bundled_fix_and_rerun_recording_replays_both_runs():
    scenario = load_scenario("rec-fix-and-rerun")
    assert len(scenario.command_specs["python -m pytest -q"].runs) == 2
    trace = run_scenario(scenario, "parallel")
    previews = [e["preview"] for e in trace.events if e["kind"] == "finish"]
    assert previews[0].startswith("[exit code 1]\nF.") and "2 passed" in previews[1]


def test_a_version_1_recording_loads_converted_with_a_note():
    data = load_scenario("rec-try-three-sleeps").to_dict()
    data["version"] = 1
    data["source"].pop("note", None)
    scenario = scenario_from_dict(data, "old.json")
    assert scenario.raw["version"] == 2 and scenario.source["note"] == V1_NOTE
    assert scenario.raw["source"]["note"] == V1_NOTE
    again = scenario_from_dict(scenario.to_dict(), "old.json")  # converting twice adds nothing
    assert again.source["note"] == V1_NOTE
    assert run_scenario(scenario, "parallel").events[-1]["reason"] == "end_turn"


def test_the_recording_of_the_previous_format_version_still_replays():
    data = json.loads((REPO / "tests" / "data" / "rec-version-1.json").read_text(encoding="utf-8"))  # as it was
    assert data["version"] == 1
    scenario = scenario_from_dict(data, "rec-v1.json")
    assert V1_NOTE in scenario.source["note"] and "scripted stand-in" in scenario.source["note"]
    for mode in ("parallel", "serial"):
        assert run_scenario(scenario, mode).events[-1]["reason"] == "end_turn"


def test_a_version_1_scenario_gets_no_note():
    data = load_scenario("tests-and-docs").to_dict()
    data["version"] = 1
    assert "note" not in scenario_from_dict(data, "old.json").source
