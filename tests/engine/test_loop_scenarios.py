"""The agent loop on every bundled scenario, under the virtual clock, in both harnesses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator import load_scenario, metrics, run_scenario
from simulator.scenario import scenario_paths
from simulator.trace import Trace

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
NAMES = sorted(n for n, p in scenario_paths().items() if p.parent.name == "scenarios")
CASES = [(n, m) for n in NAMES for m in ("serial", "parallel")]
LINE = re.compile(r"^\[bg:[0-9a-f]{8}\] (completed|error|timeout|killed|interrupted|progress): .*$")
TASK_NOTE = re.compile(r"^<task-notification>\n<task-id>[0-9a-f]{8}</task-id>\n<status>[a-z]+</status>\n"
                       r"(<output-file>[^<\n]+</output-file>\n)?<summary>[^<\n]*</summary>\n</task-notification>$")


@pytest.fixture(scope="module")
def traces() -> dict[tuple[str, str], Trace]:
    return {(n, m): run_scenario(load_scenario(n), m) for n, m in CASES}


def _golden_events(trace: Trace) -> list[dict]:
    return json.loads(trace.to_json())["events"]


@pytest.mark.parametrize("name,mode", CASES)
def test_trace_matches_golden_event_by_event(traces, name, mode, update_golden):
    trace = traces[(name, mode)]
    path = GOLDEN / f"{name}.{mode}.json"
    if update_golden:  # python -m pytest tests/engine/test_loop_scenarios.py --update-golden
        path.write_text(trace.to_json())
    expected = json.loads(path.read_text())["events"]
    actual = _golden_events(trace)
    for i, (want, got) in enumerate(zip(expected, actual, strict=False)):
        assert got == want, f"{name}/{mode}: event {i} differs"
    assert len(actual) == len(expected)


@pytest.mark.parametrize("name,mode", CASES)
def test_same_input_gives_byte_identical_trace(traces, name, mode):
    again = run_scenario(load_scenario(name), mode)
    assert again.to_json() == traces[(name, mode)].to_json()


def _loop_lanes(trace: Trace) -> list[str]:
    return ["main"] + [lane["id"] for lane in trace.lanes if lane.get("kind") == "agent"]


def _check_injected_text(e: dict) -> None:
    text = e["text"]
    items = len(e["task_ids"]) + len(e.get("progress_ids") or [])
    if text.startswith("<task-notification>"):
        blocks = text.split("\n</task-notification>")
        assert blocks[-1] == "" and len(blocks) - 1 == items
        assert all(TASK_NOTE.match(b.strip("\n") + "\n</task-notification>") for b in blocks[:-1]), text
        return
    lines = text.split("\n")
    assert lines[0] == "<background-results>" and lines[-1] == "</background-results>"
    assert all(LINE.match(line) for line in lines[1:-1]), text
    assert len(lines) - 2 == items


@pytest.mark.parametrize("name,mode", CASES)
def test_trace_invariants(traces, name, mode):
    trace = traces[(name, mode)]
    events = trace.events
    assert events[0]["kind"] == "session_start" and events[-1]["kind"] == "session_end"
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert all(a["t"] <= b["t"] for a, b in zip(events, events[1:], strict=False))
    Trace.from_dict(json.loads(trace.to_json()), "roundtrip")  # validates
    kinds = [e["kind"] for e in events]
    if mode == "serial":
        assert "spawn" not in kinds and "drain" not in kinds and "inject" not in kinds
        return
    # every model call of every loop (the main one, each sub-agent's) is preceded by a drain on its lane
    for lane in _loop_lanes(trace):
        on_lane = [e for e in events if e["lane"] == lane]
        for i, e in enumerate(on_lane):
            if e["kind"] == "model_start":
                assert on_lane[i - 1]["kind"] in ("drain", "inject"), f"{lane}: model call at {e['seq']} not after a drain"
    # every task: spawn -> start -> finish -> enqueue -> delivered by exactly one drain of the loop that
    # started it, unless that result was lost (the known bug) or its agent was stopped first
    end = events[-1]
    stopped = {e["lane"] for e in events if e["kind"] == "finish" and e["lane"] in _loop_lanes(trace)
               and e["status"] in ("killed", "timeout")}
    for lane in _loop_lanes(trace):
        spawned = [e["task_id"] for e in events if e["kind"] == "spawn" and e["lane"] == lane]
        delivered = [t for e in events if e["kind"] == "drain" and e["lane"] == lane for t in e["delivered"]]
        if lane in stopped:
            assert len(delivered) == len(set(delivered)) and set(delivered) <= set(spawned)
            continue
        lost = end.get("undelivered") or [] if lane == "main" else []
        assert sorted(delivered + lost) == sorted(spawned), f"{lane}: each task delivered exactly once"
    for tid in [e["task_id"] for e in events if e["kind"] == "spawn"]:
        lane = [e["kind"] for e in events if e.get("task_id") == tid and e["lane"] == f"bg:{tid}"]
        assert lane[-2:] == ["finish", "enqueue"]
        assert "task_start" in lane
    for e in events:
        if e["kind"] == "inject":
            _check_injected_text(e)


@pytest.mark.parametrize("name,mode", CASES)
def test_messages_are_valid_for_the_messages_api(traces, name, mode):
    from simulator.anthropic_model import api_messages
    from simulator.snapshot import snapshot

    trace = traces[(name, mode)]
    msgs = api_messages(snapshot(trace, len(trace.events) - 1).messages)
    assert msgs[0]["role"] == "user"
    for a, b in zip(msgs, msgs[1:], strict=False):
        assert a["role"] != b["role"], "roles alternate"
    for i, m in enumerate(msgs):
        if m["role"] == "assistant":
            uses = [b["id"] for b in m["content"] if b["type"] == "tool_use"]
            if uses and i + 1 < len(msgs):
                nxt = msgs[i + 1]["content"]
                results = [b["tool_use_id"] for b in nxt[: len(uses)]]
                assert results == uses, "tool results open the next user turn, in order"
                assert all(b["type"] != "tool_result" for b in nxt[len(uses):])


def _events(traces, name, mode, kind):
    return [e for e in traces[(name, mode)].events if e["kind"] == kind]


def test_tests_and_docs_serial_about_62_parallel_close_to_60(traces):
    s = metrics(traces[("tests-and-docs", "serial")])
    p = metrics(traces[("tests-and-docs", "parallel")])
    assert s["wall_s"] == pytest.approx(62.0)
    assert p["wall_s"] == pytest.approx(61.2)
    assert s["main_blocked_s"] == pytest.approx(60.0) and p["main_blocked_s"] == 0


def test_multi_agent_one_slot_about_80_either_way(traces):
    s = metrics(traces[("multi-agent-one-slot", "serial")])
    p = metrics(traces[("multi-agent-one-slot", "parallel")])
    assert 80 <= s["wall_s"] <= 85 and 80 <= p["wall_s"] <= 85
    assert s["main_blocked_s"] == pytest.approx(80.0) and p["main_blocked_s"] == pytest.approx(30.0)


def test_timeout_scenario_reports_timeout(traces):
    fin = _events(traces, "timeout", "parallel", "finish")
    assert fin[0]["status"] == "timeout" and fin[0]["exit_code"] is None
    assert fin[0]["t"] == pytest.approx(fin[0]["t"] - fin[0]["duration_s"] + 30.0)
    assert "timeout: Error: Timeout (30s)" in _events(traces, "timeout", "parallel", "inject")[0]["text"]


def test_failing_command_keeps_exit_codes(traces):
    fin = {e["exit_code"]: e for e in _events(traces, "failing-command", "parallel", "finish")}
    assert set(fin) == {1, 3} and all(e["status"] == "error" for e in fin.values())
    check = _events(traces, "failing-command", "parallel", "check")[0]["result"]
    assert check.startswith("[error (exit 3)]") and "0042_add_vat" in check


def test_long_output_is_truncated(traces):
    fin = _events(traces, "long-output", "parallel", "finish")[0]
    assert fin["output_bytes"] == 3_000_000 and len(fin["preview"]) == 500
    check = _events(traces, "long-output", "parallel", "check")[0]["result"]
    body = check.split("\n", 1)[1]
    assert len(body) == 50_000
    inject = _events(traces, "long-output", "parallel", "inject")[0]["text"]
    assert len(inject) < 700


def test_task_finishing_during_model_call_waits_for_next_drain(traces):
    ev = traces[("finish-during-model-call", "parallel")].events
    fin = next(e for e in ev if e["kind"] == "finish")
    starts = [e for e in ev if e["kind"] == "model_start" and e["seq"] < fin["seq"]]
    ends = [e for e in ev if e["kind"] == "model_end" and e["seq"] > fin["seq"]]
    assert starts and ends and starts[-1]["t"] < fin["t"] < ends[0]["t"], "finished mid-call"
    drain = next(e for e in ev if e["kind"] == "drain" and e["delivered"])
    assert drain["t"] > ends[0]["t"] and drain["queue_before"][0]["task_id"] == fin["task_id"]


def test_result_after_end_turn_is_not_lost(traces):
    ev = traces[("result-after-end-turn", "parallel")].events
    kinds = [e["kind"] for e in ev]
    assert "wait_start" in kinds and kinds.index("wait_start") < kinds.index("finish")
    assert kinds.index("inject") > kinds.index("wait_end")
    assert kinds[-3:] == ["model_start", "model_end", "session_end"]


def test_fan_out_respects_concurrency_limit(traces):
    ev = traces[("fan-out-20", "parallel")].events
    running = peak = 0
    for e in ev:
        if e["kind"] == "task_start":
            running += 1
            peak = max(peak, running)
        elif e["kind"] == "finish":
            running -= 1
    assert peak == 4
    assert len([e for e in ev if e["kind"] == "task_queued"]) == 16


def test_serial_background_run_returns_result_directly(traces):
    ends = _events(traces, "try-sleep-then-file", "serial", "tool_end")
    assert ends[0]["tool"] == "background_run" and ends[0]["result"] == "done"
