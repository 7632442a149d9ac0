"""Sub-agents under the real clock: the real anthropic client over HTTP, one client per agent, real commands."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from stub_messages_api import StubMessagesAPI, message, text, tool_use

from simulator.anthropic_model import AnthropicModel
from simulator.metrics import metrics
from simulator.recording import recording_from_trace, task_outputs
from simulator.runs import RealRun, run_scenario
from simulator.scenario import scenario_from_dict
from simulator.spans import spans
from simulator.tools import SUBAGENT_SYSTEM_PROMPT
from simulator.trace import Trace

pytestmark = pytest.mark.timeout(90)

FAKE_KEY = "sk-ant-test-agents-0000"


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch, no_credentials: None):
    with StubMessagesAPI() as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
        yield api


def first_text(body: dict[str, Any]) -> str:
    content = body["messages"][0]["content"]
    return content if isinstance(content, str) else content[0]["text"]


def all_text(body: dict[str, Any]) -> str:
    return json.dumps(body["messages"])


def agent_reply(body: dict[str, Any], command: str) -> dict[str, Any]:
    """A sub-agent: one command, then its answer."""
    if len(body["messages"]) == 1:
        return message([tool_use("bash", {"command": command})], input_tokens=7, output_tokens=3)
    return message([text(f"{first_text(body)}: done")], input_tokens=9, output_tokens=4)


def lead(agents: dict[str, str]) -> Any:
    """The lead starts every agent, waits, and answers once every result came in."""
    def reply(body: dict[str, Any]) -> dict[str, Any]:
        if body["system"] == SUBAGENT_SYSTEM_PROMPT:
            return agent_reply(body, agents[first_text(body)])
        if len(body["messages"]) == 1:
            return message([tool_use("background_agent", {"name": f"agent-{i}", "task": task})
                            for i, task in enumerate(agents)])
        if all_text(body).count("completed: ") >= len(agents):
            return message([text("Every sub-agent is done.")])
        return message([text("Waiting for the sub-agents.")])
    return reply


def forks(monkeypatch: pytest.MonkeyPatch) -> list[AnthropicModel]:
    made: list[AnthropicModel] = []
    original = AnthropicModel.fork

    def fork(self: AnthropicModel) -> AnthropicModel:
        made.append(original(self))
        return made[-1]
    monkeypatch.setattr(AnthropicModel, "fork", fork)
    return made


def test_two_agents_each_with_a_client_of_its_own_run_at_once(stub, monkeypatch, tmp_path: Path):
    made = forks(monkeypatch)
    stub.fallback = lead({"count lines": "sleep 0.6; echo 12", "list files": "sleep 0.6; ls"})
    run = RealRun(AnthropicModel(), "use two sub-agents", tmp_path / "w", end_wait_s=20)
    assert run.start() == "end_turn"
    trace = run.trace
    commands = [s for s in spans(trace) if s["kind"] == "blocked" and s["lane"] != "main"]
    assert len(commands) == 2 and commands[1]["start"] < commands[0]["end"], "the two agents' commands overlap"
    Trace.from_dict(json.loads(trace.to_json()), "live")  # a valid trace

    assert len(made) == 2 and made[0].client() is not made[1].client(), "one client per agent"
    assert all(model.calls == 2 for model in made)
    agents = [lane for lane in trace.lanes if lane.get("kind") == "agent"]
    assert {lane["task"] for lane in agents} == {"count lines", "list files"}
    assert all(lane["parent"] == "main" for lane in agents)
    for lane in agents:
        kinds = [e["kind"] for e in trace.events if e["lane"] == lane["id"]]
        assert kinds[0] == "task_start" and kinds[-2:] == ["finish", "enqueue"]
        assert kinds.count("model_start") == 2 and "tool_start" in kinds
        usage = [e["usage"] for e in trace.events if e["lane"] == lane["id"] and e["kind"] == "model_end"]
        assert usage == [{"input_tokens": 7, "output_tokens": 3}, {"input_tokens": 9, "output_tokens": 4}]

    agent_requests = [b for b in stub.requests if b["system"] == SUBAGENT_SYSTEM_PROMPT]
    assert agent_requests and all("background_agent" not in [t["name"] for t in b["tools"]] for b in agent_requests)
    last = stub.requests[-1]
    assert last["system"] != SUBAGENT_SYSTEM_PROMPT and "count lines: done" in all_text(last)
    assert "<background-results>" in all_text(last)
    m = metrics(trace)
    assert m["agents"] == 2 and m["agent_llm_calls"] == 4 and not m["tokens_estimated"]


def test_a_recording_of_a_run_with_agents_replays_offline(stub, tmp_path: Path):
    stub.fallback = lead({"say hi": "echo hi"})
    run = RealRun(AnthropicModel(), "one sub-agent", tmp_path / "w", end_wait_s=20)
    assert run.start() == "end_turn"
    data = recording_from_trace(run.trace, outputs_measured=task_outputs(run.bg), llm_kind="anthropic")
    assert data["version"] == 2 and set(data["agents"]) == {"agent-0"}
    agent = data["agents"]["agent-0"]
    assert agent["task"] == "say hi" and "commands" not in agent  # a command only it ran joins the main table
    assert data["commands"]["echo hi"]["output"] == "hi"
    assert agent["turns"][0]["usage"] == {"input_tokens": 7, "output_tokens": 3}
    scenario = scenario_from_dict(json.loads(json.dumps(data)), "rec.json")
    for mode in ("parallel", "serial"):
        replay = run_scenario(scenario, mode)
        assert replay.events[-1]["reason"] == "end_turn", mode
        answer = [e for e in replay.events if e["kind"] == "finish" and e["lane"] != "main"]
        assert answer and answer[-1]["preview"] == "say hi: done"


def test_the_lead_stops_an_agent_and_its_command_dies_with_it(stub, tmp_path: Path):
    marker = f"s08-agent-sleep-{time.monotonic_ns()}"
    started = threading.Event()

    def reply(body: dict[str, Any]) -> dict[str, Any]:
        if body["system"] == SUBAGENT_SYSTEM_PROMPT:
            started.set()
            return message([tool_use("bash", {"command": f"sleep 30 # {marker}"})])
        if len(body["messages"]) == 1:
            return message([tool_use("background_agent", {"name": "slow", "task": "take forever"})])
        if "Background agent" in all_text(body) and "kill_background" not in all_text(body):
            started.wait(10)
            time.sleep(0.5)
            task_id = json.loads(all_text(body).split("Background agent ")[1][:8].join(['"', '"']))
            return message([tool_use("kill_background", {"task_id": task_id})])
        return message([text("Stopped it.")])
    stub.fallback = reply
    run = RealRun(AnthropicModel(), "start and stop", tmp_path / "w", end_wait_s=20)
    t0 = time.monotonic()
    assert run.start() == "end_turn"
    assert time.monotonic() - t0 < 10
    trace = run.trace
    kill = next(e for e in trace.events if e["kind"] == "kill" and e["lane"] == "main")
    assert kill["by"] == "model"
    lane = next(lane["id"] for lane in trace.lanes if lane.get("kind") == "agent")
    fin = next(e for e in trace.events if e["kind"] == "finish" and e["lane"] == lane)
    assert fin["status"] == "killed"
    assert not [e for e in trace.events if e["lane"] == lane and e["seq"] > fin["seq"] + 1]
    time.sleep(0.2)
    assert not [p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]


def test_agents_wait_for_a_slot_like_commands(stub, tmp_path: Path):
    stub.fallback = lead({"first": "sleep 0.3", "second": "sleep 0.3"})
    run = RealRun(AnthropicModel(), "two agents, one slot", tmp_path / "w", max_concurrent=1, end_wait_s=20)
    assert run.start() == "end_turn"
    events = run.trace.events
    queued = [e for e in events if e["kind"] == "task_queued"]
    assert len(queued) == 1
    first_finish = next(e for e in events if e["kind"] == "finish" and e["lane"] != queued[0]["lane"]
                        and e["lane"] in {lane["id"] for lane in run.trace.lanes if lane.get("kind") == "agent"})
    second_start = next(e for e in events if e["kind"] == "task_start" and e["lane"] == queued[0]["lane"])
    assert second_start["t"] >= first_finish["t"]


def test_in_the_serial_harness_an_agent_blocks_the_lead_until_it_answers(stub, tmp_path: Path):
    stub.fallback = lead({"think": "sleep 0.3; echo thought"})
    run = RealRun(AnthropicModel(), "serially", tmp_path / "w", mode="serial", end_wait_s=20)
    assert run.start() == "end_turn"
    events = run.trace.events
    start = next(e for e in events if e["kind"] == "tool_start" and e["tool"] == "background_agent")
    end = next(e for e in events if e["kind"] == "tool_end" and e["tool"] == "background_agent")
    assert start["blocking"] and end["result"] == "think: done"
    lane = next(lane["id"] for lane in run.trace.lanes if lane.get("kind") == "agent")
    on_lane = [e for e in events if e["lane"] == lane]
    assert on_lane and all(start["seq"] < e["seq"] < end["seq"] for e in on_lane)
    assert metrics(run.trace)["main_blocked_s"] >= 0.3 and "spawn" not in [e["kind"] for e in events]
