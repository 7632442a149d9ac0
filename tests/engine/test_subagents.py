"""Sub-agents under the virtual clock: loops of their own on their own lanes, results through the lead's queue."""

from __future__ import annotations

import copy
import json

import pytest

from simulator import load_scenario, metrics, run_scenario
from simulator.errors import InputError
from simulator.scenario import scenario_from_dict
from simulator.snapshot import snapshot
from simulator.spans import arrows, spans
from simulator.trace import Trace


@pytest.fixture(scope="module")
def multi() -> dict[str, Trace]:
    scenario = load_scenario("multi-agent")
    return {mode: run_scenario(scenario, mode) for mode in ("serial", "parallel")}


def agent_lanes(trace: Trace) -> dict[str, dict]:
    return {lane["name"]: lane for lane in trace.lanes if lane.get("kind") == "agent"}


def on(trace: Trace, lane: str, kind: str) -> list[dict]:
    return [e for e in trace.events if e["lane"] == lane and e["kind"] == kind]


def test_each_agent_has_a_lane_of_its_own_under_the_lead(multi):
    lanes = agent_lanes(multi["parallel"])
    assert set(lanes) == {"A", "B", "C"}
    assert all(lane["parent"] == "main" and lane["task"] for lane in lanes.values())
    assert lanes["A"]["task"] == "Implement the auth module"


def test_agents_make_model_calls_and_run_tools_on_their_lane(multi):
    trace = multi["parallel"]
    for name, calls in (("A", 4), ("B", 3), ("C", 4)):
        lane = agent_lanes(trace)[name]["id"]
        assert len(on(trace, lane, "model_start")) == calls
        tools = [e["tool"] for e in on(trace, lane, "tool_start")]
        assert "bash" in tools and "write_file" in tools or "read_file" in tools
        start = on(trace, lane, "task_start")[0]
        assert start["msg"]["content"][0]["text"] == agent_lanes(trace)[name]["task"]
        assert [e["kind"] for e in trace.events if e["lane"] == lane][-2:] == ["finish", "enqueue"]
    # the lead's own counts leave the agents' calls out; agent_llm_calls has them
    m = metrics(trace)
    assert m["llm_calls"] == 8 and m["agent_llm_calls"] == 11 and m["agents"] == 3


def test_a_and_b_run_at_the_same_time_and_c_starts_after_both_answers(multi):
    trace = multi["parallel"]
    lanes = agent_lanes(trace)
    run = {s["lane"]: s for s in spans(trace) if s["kind"] == "running"}
    a, b, c = (run[lanes[n]["id"]] for n in "ABC")
    assert a["start"] == b["start"] == pytest.approx(0.6)
    assert a["end"] - a["start"] == pytest.approx(30.0) and b["end"] - b["start"] == pytest.approx(20.0)
    delivered = {a_["task_id"]: a_["to_t"] for a_ in arrows(trace) if a_["kind"] == "deliver"}
    last_of_ab = max(delivered[lanes["A"]["id"][3:]], delivered[lanes["B"]["id"][3:]])
    assert c["start"] >= last_of_ab and c["end"] - c["start"] == pytest.approx(30.0)
    m = metrics(trace)
    assert m["wall_s"] == pytest.approx(61.8) and m["main_blocked_s"] == 0.0


def test_in_the_serial_harness_each_agent_blocks_the_lead(multi):
    trace = multi["serial"]
    m = metrics(trace)
    assert m["wall_s"] == pytest.approx(83.4) and m["main_blocked_s"] == pytest.approx(80.0)
    assert m["tasks"] == 0 and m["agents"] == 3
    starts = [e for e in trace.events if e["kind"] == "tool_start" and e["tool"] == "background_agent"]
    assert all(e["blocking"] for e in starts)
    ends = [e for e in trace.events if e["kind"] == "tool_end" and e["tool"] == "background_agent"]
    assert ends[0]["result"].startswith("Auth is done")


def test_an_agents_answer_reaches_the_lead_through_the_queue_and_drain(multi):
    trace = multi["parallel"]
    lane = agent_lanes(trace)["A"]["id"]
    tid = lane[3:]
    finish = on(trace, lane, "finish")[0]
    drain = next(e for e in trace.events if e["kind"] == "drain" and e["lane"] == "main" and tid in e["delivered"])
    inject = next(e for e in trace.events if e["kind"] == "inject" and tid in e["task_ids"])
    assert drain["seq"] > finish["seq"] and f"[bg:{tid}] completed: Auth is done" in inject["text"]
    note = next(n for n in drain["queue_before"] if n["task_id"] == tid)
    assert note["kind"] == "agent" and note["command"] == "A: Implement the auth module"


def test_a_file_an_agent_writes_reaches_the_shared_directory_at_its_time(multi):
    trace = multi["parallel"]
    c = agent_lanes(trace)["C"]["id"]
    read = next(e for e in on(trace, c, "tool_end") if e["tool"] == "read_file")
    assert read["result"].startswith('"""Sign-in for the service."""')  # written by A, read by C


def test_snapshots_keep_the_lead_conversation_apart_from_the_agents(multi):
    trace = multi["parallel"]
    last = snapshot(trace, len(trace.events) - 1)
    assert last.messages[0]["content"][0]["text"].startswith("Implement the auth module and the user")
    assert all(m["role"] in ("user", "assistant") for m in last.messages)
    assert set(last.agent_messages) == {lane["id"] for lane in agent_lanes(trace).values()}
    a = last.agent_messages[agent_lanes(trace)["A"]["id"]]
    assert a[0]["content"][0]["text"] == "Implement the auth module" and a[-1]["role"] == "assistant"
    tasks = {t["task_id"]: t for t in last.tasks}
    assert {t["kind"] for t in tasks.values()} == {"agent"} and all(t["parent"] == "main" for t in tasks.values())


def test_killing_an_agent_cuts_its_lane_off_and_kills_its_own_tasks():
    data = _with_background_pytest(load_scenario("multi-agent").to_dict())
    data["turns"][1:4] = [{"text": "Stopping A.", "latency_s": 8, "tools": [{"name": "kill_background",
                                                              "input": {"task_id": "$task:agent:A"}}]}]
    trace = run_scenario(scenario_from_dict(data, "kill-a"), "parallel")
    a = agent_lanes(trace)["A"]["id"]
    fin = on(trace, a, "finish")[0]
    assert fin["status"] == "killed"
    assert all(e["seq"] <= fin["seq"] + 1 for e in trace.events if e["lane"] == a)  # nothing after its finish+enqueue
    own = [lane for lane in trace.lanes if lane.get("parent") == a]
    assert own, "A started a background command of its own"
    nested = own[0]["id"]
    assert on(trace, nested, "finish")[0]["status"] == "killed"
    kill = next(e for e in on(trace, a, "kill"))
    assert kill["reason"] == "its agent was stopped" and kill["task_id"] == nested[3:]
    cut = [s for s in spans(trace) if s["lane"] == a and s["status"] == "cut"]
    assert cut, "the loop span open when A was killed ends at its finish"
    Trace.from_dict(json.loads(trace.to_json()), "kill-a")


def _with_background_pytest(data: dict) -> dict:
    """Agent A runs its tests in the background (so it has a task of its own when killed)."""
    data = copy.deepcopy(data)
    a = data["agents"]["A"]
    a["turns"][2] = {"tools": [{"name": "background_run", "input": {"command": "python -m pytest tests/test_auth.py -q"}}]}
    a["turns"].insert(3, {"while_pending": True, "text": "Waiting for my tests."})
    return data


def test_an_agent_past_the_time_limit_times_out():
    data = load_scenario("multi-agent").to_dict()
    data["settings"]["timeout_s"] = 25
    trace = run_scenario(scenario_from_dict(data, "short"), "parallel")
    lanes = agent_lanes(trace)
    assert on(trace, lanes["A"]["id"], "finish")[0]["status"] == "timeout"  # A needs 30 s
    assert on(trace, lanes["B"]["id"], "finish")[0]["status"] == "completed"  # B needs 20 s


def test_the_concurrency_limit_applies_to_agents():
    data = load_scenario("multi-agent").to_dict()
    data["settings"]["max_concurrent"] = 1
    trace = run_scenario(scenario_from_dict(data, "one-slot"), "parallel")
    lanes = agent_lanes(trace)
    queued = on(trace, lanes["B"]["id"], "task_queued")
    start_b = on(trace, lanes["B"]["id"], "task_start")[0]
    fin_a = on(trace, lanes["A"]["id"], "finish")[0]
    assert queued and start_b["t"] == fin_a["t"]
    assert metrics(trace)["wall_s"] > metrics(run_scenario(load_scenario("multi-agent"), "parallel"))["wall_s"] + 15


def test_same_scenario_same_bytes_with_agents():
    scenario = load_scenario("multi-agent")
    assert run_scenario(scenario, "parallel").to_json() == run_scenario(scenario, "parallel").to_json()


@pytest.mark.parametrize("change,problem", [
    (lambda d: d["turns"][0]["tools"][0]["input"].update(name="Z"), "sub-agent 'Z' has no entry in 'agents'"),
    (lambda d: d["agents"]["A"]["turns"].append(
        {"tools": [{"name": "background_agent", "input": {"name": "B", "task": "x"}}]}),
     "a sub-agent cannot use background_agent"),
    (lambda d: d["agents"]["A"].update(turns=[]), "agents['A'].turns must not be empty"),
    (lambda d: d["agents"]["A"]["turns"][2]["tools"][0]["input"].update(command="make"),
     "agents['A'].turns[2]: command 'make' has no entry in 'commands'"),
    (lambda d: d["agents"].update({"x" * 41: d["agents"]["A"]}), "a sub-agent's name must be 1 to 40 characters"),
    (lambda d: d["turns"][0]["tools"][0]["input"].update(task=""), "background_agent.task must be 1 to 4000"),
])
def test_bad_agent_declarations_are_one_line_errors(change, problem):
    data = load_scenario("multi-agent").to_dict()
    change(data)
    with pytest.raises(InputError) as err:
        scenario_from_dict(data, "bad.json")
    assert str(err.value).startswith("bad.json: ") and problem in str(err.value) and "\n" not in str(err.value)
