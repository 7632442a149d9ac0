"""The Perfetto / Chrome Trace Event export: units, nesting, flows, counters, processes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import pytest

from exports.chrome import chrome_trace, chrome_trace_json, thread_name
from simulator.runs import run_scenario
from simulator.scenario import load_scenario, scenario_paths
from simulator.spans import arrows
from simulator.trace import Trace

SCENARIOS = sorted(scenario_paths())


def both(name: str) -> dict[str, Trace]:
    scenario = load_scenario(name)
    return {mode: run_scenario(scenario, mode) for mode in ("serial", "parallel")}


def by_pid(doc: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ev in doc["traceEvents"]:
        out[ev["pid"]].append(ev)
    return out


def process_modes(doc: dict[str, Any]) -> dict[int, str]:
    """pid -> mode, read from the process_name metadata."""
    names = {ev["pid"]: ev["args"]["name"] for ev in doc["traceEvents"]
             if ev["ph"] == "M" and ev["name"] == "process_name"}
    return {pid: ("serial" if name.startswith("serial") else "parallel") for pid, name in names.items()}


def assert_proper_nesting(slices: list[dict[str, Any]]) -> None:
    """On one thread, any two slices are disjoint or one contains the other."""
    ordered = sorted(slices, key=lambda e: (e["ts"], -e["dur"]))
    stack: list[tuple[int, int, str]] = []
    for e in ordered:
        start, end = e["ts"], e["ts"] + e["dur"]
        while stack and stack[-1][1] <= start:
            stack.pop()
        if stack:
            assert end <= stack[-1][1], f"{e['name']} [{start}, {end}] overlaps {stack[-1]}"
        stack.append((start, end, e["name"]))


@pytest.mark.parametrize("name", SCENARIOS)
def test_export_is_structurally_valid(name):
    traces = both(name)
    doc = json.loads(chrome_trace_json(traces))  # survives a JSON round trip unchanged
    assert doc["displayTimeUnit"] == "ms"
    assert isinstance(doc["traceEvents"], list) and doc["traceEvents"]
    modes = process_modes(doc)
    assert sorted(modes.values()) == ["parallel", "serial"]
    groups = by_pid(doc)
    for pid, events in groups.items():
        trace = traces[modes[pid]]
        limit = round(trace.duration * 1_000_000)  # the trace's duration in whole microseconds
        for ev in events:
            assert ev["ph"] in {"M", "X", "i", "s", "f", "C"}
            if ev["ph"] == "M":
                continue
            assert isinstance(ev["ts"], int) and not isinstance(ev["ts"], bool), ev
            assert 0 <= ev["ts"] <= limit, ev
            if ev["ph"] == "X":
                assert isinstance(ev["dur"], int) and ev["dur"] >= 0, ev
                assert ev["ts"] + ev["dur"] <= limit, ev
        per_thread: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for ev in events:
            if ev["ph"] == "X":
                per_thread[ev["tid"]].append(ev)
        for slices in per_thread.values():
            assert_proper_nesting(slices)

        counters = [ev for ev in events if ev["ph"] == "C"]
        assert counters, f"no queue-depth counter for {modes[pid]}"
        for c in counters:
            assert c["name"] == "queue depth"
            assert all(isinstance(v, int) and v >= 0 for v in c["args"].values())


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_flow_has_one_start_and_one_finish(name):
    traces = both(name)
    doc = chrome_trace(traces)
    starts = Counter(ev["id"] for ev in doc["traceEvents"] if ev["ph"] == "s")
    finishes = Counter(ev["id"] for ev in doc["traceEvents"] if ev["ph"] == "f")
    assert set(starts) == set(finishes)
    assert all(n == 1 for n in starts.values()) and all(n == 1 for n in finishes.values())
    assert len(starts) == sum(len(arrows(t)) for t in traces.values())
    flows = {(ev["id"], ev["ph"]): ev for ev in doc["traceEvents"] if ev["ph"] in "sf"}
    for flow_id in starts:
        s, f = flows[(flow_id, "s")], flows[(flow_id, "f")]
        assert s["bp"] == "e" and f["bp"] == "e"
        assert s["pid"] == f["pid"] and s["name"] == f["name"] in ("spawn", "deliver")
        assert s["ts"] <= f["ts"]


def test_threads_slices_and_drains_match_the_trace():
    traces = both("try-three-sleeps")
    doc = chrome_trace(traces)
    modes = process_modes(doc)
    pid = next(p for p, m in modes.items() if m == "parallel")
    par = traces["parallel"]
    events = by_pid(doc)[pid]
    names = {ev["tid"]: ev["args"]["name"] for ev in events if ev["ph"] == "M" and ev["name"] == "thread_name"}
    assert names[1] == "main thread"
    commands = {ev["task_id"]: ev["command"] for ev in par.events if ev["kind"] == "spawn"}
    assert sorted(n for tid, n in names.items() if tid != 1) == sorted(f"bg:{tid} {cmd}"
                                                                       for tid, cmd in commands.items())

    slices = [ev for ev in events if ev["ph"] == "X"]
    calls = [ev for ev in par.events if ev["kind"] == "model_start"]
    assert len([s for s in slices if s["cat"] == "model"]) == len(calls)
    first = next(s for s in slices if s["cat"] == "model")
    assert first["ts"] == 0 and first["dur"] == 800_000  # 0.8 s model latency, in microseconds
    running = [s for s in slices if s["cat"] == "running"]
    assert sorted(s["dur"] for s in running) == [2_000_000, 4_000_000, 6_000_000]
    assert {s["args"]["status"] for s in running} == {"completed"}

    drains = [ev for ev in events if ev["ph"] == "i" and ev["cat"] == "drain"]
    trace_drains = [ev for ev in par.events if ev["kind"] == "drain"]
    assert len(drains) == len(trace_drains)
    injects = {ev["seq"] - 1: ev["text"] for ev in par.events if ev["kind"] == "inject"}
    for mark, ev in zip(drains, trace_drains, strict=True):
        assert mark["ts"] == round(ev["t"] * 1_000_000)
        assert mark["args"]["delivered"] == ev["delivered"]
        assert len(mark["args"]["queue_before"]) == len(ev["queue_before"])
        assert mark["args"]["queue_after"] == ev["queue_after"]
        assert mark["args"]["injected_text"] == injects.get(ev["seq"])
    assert any("<background-results>" in (m["args"]["injected_text"] or "") for m in drains)

    depth = [c["args"]["depth"] for c in events if c["ph"] == "C"]
    assert max(depth) == 1 and depth[0] == 0 and depth[-1] == 0


def test_serial_run_has_blocked_slices_and_no_task_threads():
    doc = chrome_trace({"serial": run_scenario(load_scenario("tests-and-docs"), "serial")})
    assert [ev["args"]["name"] for ev in doc["traceEvents"] if ev["name"] == "thread_name"] == ["main thread"]
    blocked = [ev for ev in doc["traceEvents"] if ev["ph"] == "X" and ev["cat"] == "blocked"]
    assert len(blocked) == 1 and blocked[0]["dur"] == 60_000_000
    assert blocked[0]["name"] == "blocked: background_run pytest tests/ -v"
    assert blocked[0]["args"]["end"]["result"].startswith("tests/test_api.py")


def test_export_is_deterministic():
    assert chrome_trace_json(both("fan-out-20")) == chrome_trace_json(both("fan-out-20"))


def test_long_strings_in_args_are_cut():
    doc = chrome_trace({"parallel": run_scenario(load_scenario("long-output"), "parallel")})
    check = next(ev for ev in doc["traceEvents"] if ev["ph"] == "X" and ev["args"].get("tool") == "check_background")
    result = check["args"]["end"]["result"]
    assert len(result) < 5000 and result.endswith("more characters]")


def _trace(events: list[dict[str, Any]], lanes: list[dict[str, Any]] | None = None) -> Trace:
    for i, ev in enumerate(events):
        ev["seq"] = i
    return Trace(meta={"scenario": "synthetic", "mode": "parallel"},
                 lanes=lanes or [{"id": "main", "label": "main thread"}], events=events)


def test_partial_overlap_on_a_thread_is_clipped_into_a_proper_tree():
    # A malformed live trace: a tool starts before the model call ends.
    trace = _trace([
        {"t": 0.0, "lane": "main", "kind": "session_start"},
        {"t": 0.0, "lane": "main", "kind": "model_start", "call": 1},
        {"t": 0.5, "lane": "main", "kind": "tool_start", "tool": "read_file", "input": {"path": "a"}},
        {"t": 1.0, "lane": "main", "kind": "model_end", "call": 1, "content": []},
        {"t": 2.0, "lane": "main", "kind": "tool_end", "tool": "read_file", "result": "x"},
        {"t": 2.0, "lane": "main", "kind": "session_end", "reason": "end_turn"},
    ])
    slices = [ev for ev in chrome_trace({"parallel": trace})["traceEvents"] if ev["ph"] == "X"]
    assert_proper_nesting(slices)
    tool = next(s for s in slices if s["cat"] == "tool")
    assert tool["dur"] == 500_000 and tool["args"]["clipped_from_us"] == 1_500_000


def test_spans_left_open_end_at_the_last_event():
    lanes = [{"id": "main", "label": "main thread"}, {"id": "bg:aa", "label": "sleep 9", "command": "sleep 9"}]
    trace = _trace([
        {"t": 0.0, "lane": "main", "kind": "session_start"},
        {"t": 0.1, "lane": "main", "kind": "spawn", "task_id": "aa", "command": "sleep 9"},
        {"t": 0.1, "lane": "bg:aa", "kind": "task_start", "task_id": "aa", "command": "sleep 9", "attempt": 1},
        {"t": 0.2, "lane": "main", "kind": "model_start", "call": 1},
        {"t": 1.5, "lane": "main", "kind": "error", "message": "stopped"},
    ], lanes)
    doc = chrome_trace({"parallel": trace})
    slices = {ev["cat"]: ev for ev in doc["traceEvents"] if ev["ph"] == "X"}
    assert slices["running"]["ts"] + slices["running"]["dur"] == 1_500_000
    assert slices["running"]["args"]["status"] == "open"
    assert slices["model"]["ts"] + slices["model"]["dur"] == 1_500_000
    flows = [ev for ev in doc["traceEvents"] if ev["ph"] in "sf"]
    assert [f["ph"] for f in flows] == ["s", "f"]


def test_thread_name_of_a_task_lane():
    assert thread_name({"id": "main"}) == "main thread"
    assert thread_name({"id": "bg:1a2b3c4d", "command": "pytest -q"}) == "bg:1a2b3c4d pytest -q"


def test_no_traces_is_an_error():
    with pytest.raises(ValueError):
        chrome_trace({})
