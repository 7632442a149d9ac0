"""Recordings: built from live traces, loaded as scenarios, replayed in both harnesses."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from simulator.clock import VirtualClock
from simulator.commands import Outcome
from simulator.loop import AgentLoop, LoopSettings
from simulator.metrics import metrics
from simulator.model import ModelTurn
from simulator.privacy import command_env, save_json, scrub
from simulator.recording import KILLED_EXIT, parse_result, recording_from_trace, task_outcomes
from simulator.runs import RealRun, run_scenario
from simulator.scenario import load_scenario, scenario_from_dict, scenario_paths
from simulator.scripted_model import ScriptedModel, ScriptTurn
from simulator.trace import Trace, TraceRecorder
from simulator.virtual import VirtualBackgroundManager, VirtualRuntime

pytestmark = pytest.mark.timeout(60)

BG = "sleep 0.3; echo hi"
SECRET = "sk-ant-test-SECRET-123"
FIXTURES = ("rec-try-sleep-then-file", "rec-try-three-sleeps", "rec-try-pytest-keep-working")


def tool(name: str, **args: Any) -> dict[str, Any]:
    return {"type": "tool_use", "name": name, "input": args}


def say(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def script() -> list[ScriptTurn]:
    """Start a task, check it by id, write a file, wait, then answer with its result."""
    return [
        ScriptTurn([say("Starting."), tool("background_run", command=BG)], "tool_use"),
        ScriptTurn([tool("check_background", task_id=f"$task:{BG}")], "tool_use"),
        ScriptTurn([tool("write_file", path="a.txt", content="x\n")], "tool_use"),
        ScriptTurn([say("Still running; I'll wait.")], while_pending=True),
        ScriptTurn([say("It printed hi.")], needs=[BG]),
    ]


def live(tmp_path: Path, turns: list[ScriptTurn], mode: str = "parallel", **kw: Any) -> RealRun:
    session = RealRun(ScriptedModel(turns), "do it", tmp_path / f"w-{mode}", mode=mode, **kw)
    session.start()
    return session


def record(session: RealRun, **kw: Any) -> dict[str, Any]:
    return recording_from_trace(session.trace, commands_measured=task_outcomes(session.bg),
                                model_name="scripted", llm_kind="scripted", workdir=session.runtime.workdir, **kw)


def replay(data: dict[str, Any], mode: str) -> Trace:
    return run_scenario(scenario_from_dict(copy.deepcopy(data), "recording"), mode)


def end(trace: Trace) -> dict[str, Any]:
    assert trace.events[-1]["kind"] == "session_end"
    return trace.events[-1]


# -- building a recording -------------------------------------------------------------------------
def test_parallel_live_session_becomes_a_recording(tmp_path: Path):
    session = live(tmp_path, script())
    data = record(session, note="a test run")
    assert data["format"] == "s08-scenario" and data["version"] == 2
    recorded_at = data["source"].pop("recorded_at")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", recorded_at)
    assert data["source"] == {"kind": "recording", "llm": "scripted", "model": "scripted", "clock": "real",
                              "mode": "parallel", "end_reason": "end_turn", "note": "a test run"}
    assert data["prompt"] == "do it" and data["files"] == {}
    out = data["commands"][BG]
    assert out["exit_code"] == 0 and out["output"] == "hi\n" and out["output_bytes"] == 3
    assert 0.25 <= out["duration_s"] < 3
    turns = data["turns"]
    assert len(turns) == 5
    assert all(isinstance(t["latency_s"], float) for t in turns)
    assert turns[1]["content"][0]["input"] == {"task_id": f"$task:{BG}"}  # real ids do not survive a replay
    assert turns[3]["while_pending"] is True and "needs" not in turns[3]
    assert turns[4]["needs"] == [BG] and "while_pending" not in turns[4]
    assert "needs" not in turns[0] and "needs" not in turns[2]
    s = data["settings"]
    assert s["mode"] == "parallel" and s["timeout_s"] == 120.0 and s["drain_policy"] == "every_call"
    trace = Trace.from_dict(data["trace"], "embedded")
    assert len(trace.events) == len(session.trace.events)
    assert str(session.runtime.workdir) not in json.dumps(data)
    for mode in ("parallel", "serial"):
        t = replay(data, mode)
        assert end(t)["reason"] == "end_turn", (mode, end(t))
        assert not [e for e in t.events if e["kind"] == "error"]


def test_serial_recording_needs_results_it_had_and_replays_in_parallel(tmp_path: Path):
    session = live(tmp_path, script(), mode="serial")
    data = record(session)
    turns = data["turns"]
    assert len(turns) == 4  # the "still running" turn is skipped: nothing runs in the background
    assert all(t.get("needs") == [BG] for t in turns[1:])
    assert not any(t.get("while_pending") for t in turns)
    par = replay(data, "parallel")
    assert end(par)["reason"] == "end_turn"
    # the recorded model knew the result before it went on: a parallel replay waits for it first
    assert any(e["kind"] == "model_end" and e.get("synthetic") for e in par.events)
    assert end(replay(data, "serial"))["reason"] == "end_turn"


def test_blocking_command_outcomes_come_from_tool_times_and_results(tmp_path: Path):
    turns = [ScriptTurn([tool("bash", command="sleep 0.2; echo out; exit 3")], "tool_use"),
             ScriptTurn([tool("bash", command="true")], "tool_use"),
             ScriptTurn([say("done")])]
    data = record(live(tmp_path, turns))
    failing = data["commands"]["sleep 0.2; echo out; exit 3"]
    assert failing["exit_code"] == 3 and failing["output"] == "out" and 0.15 <= failing["duration_s"] < 3
    assert data["commands"]["true"] == {"duration_s": data["commands"]["true"]["duration_s"], "exit_code": 0,
                                        "output": "", "output_bytes": 0}
    t = replay(data, "parallel")
    results = [e["result"] for e in t.events if e["kind"] == "tool_end"]
    assert results == ["[exit code 3]\nout", "(no output)"]


def test_full_output_of_background_tasks_comes_from_their_logs(tmp_path: Path):
    command = "python3 -c \"print('x' * 2000)\""
    turns = [ScriptTurn([tool("background_run", command=command)], "tool_use"),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say("done")], needs=[command])]
    session = live(tmp_path, turns)
    preview_only = recording_from_trace(session.trace, llm_kind="scripted")
    assert len(preview_only["commands"][command]["output"]) < 600
    data = record(session)
    assert data["commands"][command]["output"] == "x" * 2000 + "\n"
    assert data["commands"][command]["output_bytes"] == 2001


def test_timeout_and_killed_tasks_replay_the_same_way(tmp_path: Path):
    turns = [ScriptTurn([tool("background_run", command="sleep 5")], "tool_use"),
             ScriptTurn([say("waiting")], while_pending=True),
             ScriptTurn([say("it timed out")], needs=["sleep 5"])]
    data = record(live(tmp_path, turns, timeout_s=0.3))
    out = data["commands"]["sleep 5"]
    assert out["status"] == "timeout" and out["duration_s"] > 0.3
    t = replay(data, "parallel")
    assert next(e for e in t.events if e["kind"] == "finish")["status"] == "timeout"
    assert end(t)["reason"] == "end_turn"

    turns = [ScriptTurn([tool("background_run", command="sleep 7")], "tool_use"),
             ScriptTurn([say("I'll stop here.")], while_pending=True)]
    data = record(live(tmp_path / "k", turns, end_wait_s=0.2))
    out = data["commands"]["sleep 7"]
    assert out["status"] == "killed" and out["exit_code"] == KILLED_EXIT and out["duration_s"] < 5
    assert data["source"]["end_reason"] == "wait_timeout"


def test_synthetic_waiting_turns_are_not_recorded():
    trace = run_scenario(load_scenario("try-three-sleeps"))
    synthetic = [e for e in trace.events if e["kind"] == "model_end" and e.get("synthetic")]
    real = [e for e in trace.events if e["kind"] == "model_end" and not e.get("synthetic")]
    assert synthetic, "the scenario is expected to produce waiting turns"
    data = recording_from_trace(trace, llm_kind="scripted")
    assert len(data["turns"]) == len(real)
    assert data["source"]["clock"] == "virtual"
    assert end(replay(data, "parallel"))["reason"] == "end_turn"


class _Odd:
    """A model that answers with a block type a replay cannot use, then ends."""

    name = "odd"

    def __init__(self) -> None:
        self.n = 0

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        self.n += 1
        if self.n == 1:
            return ModelTurn([{"type": "mystery", "x": 1}, say("a"), {**tool("bash", command="ls"), "id": "t1"}],
                             "tool_use")
        return ModelTurn([say("done")], "end_turn")


def test_blocks_a_replay_cannot_use_are_left_out_and_noted():
    clock = VirtualClock()
    rec = TraceRecorder(clock, meta={"mode": "parallel", "prompt": "p"})
    outcomes = {"ls": Outcome(0.1, 0, "a\n")}
    AgentLoop(_Odd(), VirtualRuntime(clock, outcomes), VirtualBackgroundManager(clock, outcomes), clock, rec,
              LoopSettings()).run("p")
    data = recording_from_trace(rec.trace, llm_kind="scripted")
    assert [b["type"] for b in data["turns"][0]["content"]] == ["text", "tool_use"]
    assert "1 content block" in data["source"]["note"]
    assert end(replay(data, "serial"))["reason"] == "end_turn"


def test_parse_result_undoes_result_text():
    assert parse_result("(no output)") == {"status": "completed", "exit_code": 0, "output": "", "output_bytes": 0}
    assert parse_result("[exit code 2]\nboom")["exit_code"] == 2
    r = parse_result("abc\n... (output truncated: 90000 bytes in all)")
    assert r["output"] == "abc" and r["output_bytes"] == 90000
    assert parse_result("Error: Timeout (5s)\npartial")["status"] == "timeout"
    assert parse_result("Killed")["exit_code"] == KILLED_EXIT
    flood = parse_result("Killed (output limit: it printed more than 1 MB)\nyyyy")  # a blocking bash past its cap
    assert (flood["status"], flood["exit_code"], flood["output"]) == ("killed", KILLED_EXIT, "yyyy")


# -- secrets and paths ----------------------------------------------------------------------------
def test_no_secret_reaches_a_recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-abcdef-123456")
    env = command_env()
    assert "ANTHROPIC_API_KEY" not in env and "MY_SERVICE_TOKEN" not in env and "PATH" in env
    leak = f"echo {SECRET}; echo $ANTHROPIC_API_KEY"
    turns = [ScriptTurn([tool("bash", command=leak)], "tool_use"), ScriptTurn([say("done")])]
    session = RealRun(ScriptedModel(turns), "leak it", tmp_path / "w", env=env)
    session.start()
    assert SECRET in session.trace.to_json()  # the command printed it literally
    data = record(session)
    path = tmp_path / "rec.json"
    save_json(data, path)
    text = path.read_text()
    assert SECRET not in text and "tok-abcdef-123456" not in text
    assert "[redacted]" in text
    assert scenario_from_dict(json.loads(text), "rec").commands  # still a valid recording


def test_scrub_rewrites_keys_and_values():
    data = {"/w/x": ["/w/y", {"k": "/w"}], "n": 1}
    assert scrub(data, {"/w": "<workdir>"}) == {"<workdir>/x": ["<workdir>/y", {"k": "<workdir>"}], "n": 1}


# -- replay where a recording cannot answer ------------------------------------------------------------------
def test_exhausted_recording_stops_the_run_and_says_so():
    data = load_scenario("rec-try-sleep-then-file").to_dict()
    data["turns"] = data["turns"][:2]
    t = replay(data, "parallel")
    err = next(e for e in t.events if e["kind"] == "error")
    assert "has no answer for model call #3" in err["message"]
    assert end(t)["reason"] == "model_error" and end(t)["message"] == err["message"]


def test_a_result_that_never_comes_stops_the_run_and_says_so():
    data = load_scenario("rec-try-sleep-then-file").to_dict()
    data["turns"][-1]["needs"] = ["make build"]
    data["turns"] = [t for t in data["turns"] if not t.get("while_pending")]
    t = replay(data, "serial")
    assert end(t)["reason"] == "model_error"
    assert "needs the result of 'make build', which this run never delivered" in end(t)["message"]


# -- the bundled recordings ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("mode", ["parallel", "serial"])
def test_bundled_recordings_replay_in_both_modes(name: str, mode: str):
    scenario = load_scenario(name)
    assert scenario_paths()[name].parent.name == "recordings"
    t = run_scenario(scenario, mode)
    assert end(t)["reason"] == "end_turn"
    assert not [e for e in t.events if e["kind"] in ("error", "refused")]
    assert metrics(t)["llm_calls"] >= len([x for x in scenario.turns if not x.while_pending])


@pytest.mark.parametrize("name", FIXTURES)
def test_bundled_recordings_are_real_clock_recordings_of_the_try_it_prompts(name: str):
    scenario = load_scenario(name)
    src = scenario.source
    assert src["kind"] == "recording" and src["llm"] == "scripted" and src["clock"] == "real"
    assert "real commands" in src["note"] and "scripted stand-in" in src["note"]
    trace = Trace.from_dict(scenario.raw["trace"], name)
    assert trace.meta["clock"] == "real" and trace.meta["prompt"] == scenario.prompt
    seed = load_scenario(name.removeprefix("rec-"))
    assert scenario.prompt == seed.prompt
    text = json.dumps(scenario.raw)
    assert "/tmp/" not in text and "/home/" not in text and "/root" not in text
    # a recorded parallel replay takes about as long as the recorded run did
    replayed = run_scenario(scenario, "parallel").duration
    assert abs(replayed - trace.duration) < 0.25 * trace.duration


def test_bundled_recordings_hold_measured_outcomes():
    sleeps = load_scenario("rec-try-three-sleeps").commands
    for cmd, secs in (("sleep 2", 2), ("sleep 4", 4), ("sleep 6", 6)):
        assert secs <= sleeps[cmd].duration_s < secs + 1 and sleeps[cmd].exit_code == 0
    first = load_scenario("rec-try-sleep-then-file").commands["sleep 5 && echo done"]
    assert 5 <= first.duration_s < 6 and first.output == "done\n"
    pytest_run = load_scenario("rec-try-pytest-keep-working")
    out = pytest_run.commands["python -m pytest -q"]
    assert out.exit_code == 0 and " passed in " in out.output and out.duration_s > 1
    assert "calculator.py" in pytest_run.files and "tests/test_calculator.py" in pytest_run.files
    read = next(e for e in run_scenario(pytest_run).events if e["kind"] == "tool_end" and e["tool"] == "read_file")
    assert "def divide(a, b):" in read["result"]
