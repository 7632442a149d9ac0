"""kill_background: the model stops a task; ``killed`` in the trace, the check output and the notification."""

from __future__ import annotations

import re
import time
from pathlib import Path

import psutil
import pytest

from simulator import load_scenario, metrics, run_scenario
from simulator.clock import VirtualClock
from simulator.commands import Outcome
from simulator.loop import AgentLoop, LoopSettings
from simulator.runs import RealRun
from simulator.scripted_model import ScriptedModel, ScriptTurn
from simulator.snapshot import snapshot
from simulator.trace import TraceRecorder
from simulator.virtual import VirtualBackgroundManager, VirtualRuntime

pytestmark = pytest.mark.timeout(60)


def tool(name: str, **args: str) -> dict:
    return {"type": "tool_use", "name": name, "input": args}


def test_the_model_stops_a_runaway_task():
    trace = run_scenario(load_scenario("stop-runaway-task"), "parallel")
    kill = next(e for e in trace.events if e["kind"] == "kill")
    assert kill["by"] == "model" and kill["reason"] == "the model called kill_background" and kill["tool_use_id"]
    fin = next(e for e in trace.events if e["kind"] == "finish")
    assert fin["status"] == "killed" and fin["task_id"] == kill["task_id"] and fin["t"] == kill["t"]
    assert fin["duration_s"] < 3600  # it would have run for an hour
    inject = [e for e in trace.events if e["kind"] == "inject" and kill["task_id"] in e["task_ids"]]
    assert inject and f"[bg:{kill['task_id']}] killed: Killed" in inject[0]["text"]
    result = next(e for e in trace.events if e["kind"] == "tool_end" and e["tool"] == "kill_background")
    assert re.fullmatch(r"Killed task [0-9a-f]{8}: python sync_mirror\.py --source mirror\.example\.org", result["result"])
    m = metrics(trace)
    assert m["killed"] == 1 and m["killed_by_model"] == 1 and m["end_reason"] == "end_turn"
    task = snapshot(trace, len(trace.events) - 1).tasks[0]
    assert task["status"] == "killed" and task["killed_by"] == "model"


def test_in_the_serial_harness_the_same_task_runs_into_its_time_limit():
    trace = run_scenario(load_scenario("stop-runaway-task"), "serial")
    assert "kill_background" not in [e.get("tool") for e in trace.events]
    end = next(e for e in trace.events if e["kind"] == "tool_end" and e["tool"] == "background_run")
    assert end["result"].startswith("Error: Timeout (300s)")


def virtual_loop(turns: list[ScriptTurn], outcomes: dict[str, Outcome]) -> tuple[TraceRecorder, VirtualBackgroundManager]:
    clock = VirtualClock()
    rec = TraceRecorder(clock, meta={"mode": "parallel"})
    bg = VirtualBackgroundManager(clock, outcomes, recorder=rec)
    AgentLoop(ScriptedModel(turns, default_latency_s=1.0), VirtualRuntime(clock, outcomes), bg, clock, rec,
              LoopSettings()).run("go")
    return rec, bg


def test_kill_answers_for_finished_unknown_and_missing_tasks():
    outcomes = {"true": Outcome(0.1, 0, "")}
    turns = [ScriptTurn([tool("background_run", command="true")], "tool_use"),
             ScriptTurn([tool("kill_background", task_id="$task:true"), tool("kill_background", task_id="beef0000"),
                         tool("kill_background")], "tool_use", needs=["true"]),
             ScriptTurn([{"type": "text", "text": "ok"}])]
    rec, _ = virtual_loop(turns, outcomes)
    ends = [e for e in rec.trace.events if e["kind"] == "tool_end" and e["tool"] == "kill_background"]
    assert re.fullmatch(r"Task [0-9a-f]{8} already finished \(completed\)", ends[0]["result"])
    assert not ends[0].get("is_error")
    assert ends[1]["result"] == "Error: Unknown task beef0000" and ends[1]["is_error"]
    assert ends[2]["result"] == "Error: kill_background needs a task_id" and ends[2]["is_error"]
    assert not [e for e in rec.trace.events if e["kind"] == "kill"]


def test_check_background_shows_killed_after_a_kill():
    outcomes = {"sleep 100": Outcome(100, 0, "")}
    turns = [ScriptTurn([tool("background_run", command="sleep 100")], "tool_use"),
             ScriptTurn([tool("kill_background", task_id="$task:sleep 100")], "tool_use"),
             ScriptTurn([tool("check_background", task_id="$task:sleep 100"), tool("check_background")], "tool_use"),
             ScriptTurn([{"type": "text", "text": "stopped"}])]
    rec, _ = virtual_loop(turns, outcomes)
    checks = [e["result"] for e in rec.trace.events if e["kind"] == "check"]
    assert checks[0] == "[killed] sleep 100\nKilled" and checks[1].endswith(": [killed] sleep 100")


def test_real_kill_background_ends_the_whole_process_group(tmp_path: Path):
    marker = f"s08-kill-{time.monotonic_ns()}"
    command = f"sh -c 'sleep 30 # {marker}' & sleep 30 # {marker}"
    turns = [ScriptTurn([tool("background_run", command=command)], "tool_use"),
             ScriptTurn([tool("kill_background", task_id=f"$task:{command}")], "tool_use"),
             ScriptTurn([{"type": "text", "text": "Stopped."}], needs=[command])]
    run = RealRun(ScriptedModel(turns, default_latency_s=0.0), "go", tmp_path / "w", end_wait_s=10)
    assert run.start() == "end_turn"
    events = run.trace.events
    kill = next(e for e in events if e["kind"] == "kill")
    fin = next(e for e in events if e["kind"] == "finish")
    assert kill["by"] == "model" and fin["status"] == "killed" and fin["seq"] > kill["seq"]
    time.sleep(0.2)
    assert not [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]
    assert "killed" in next(e["text"] for e in events if e["kind"] == "inject")
