"""What the player draws, computed from traces: steps, the queue and its lock, the code that ran, the timeline spec."""

from __future__ import annotations

import json

import pytest

from exports.player.code import ANCHORS, EXCERPTS, anchor_line, code_pane, highlights
from exports.player.document import player_document, run_document
from exports.player.lanes import distinct_names, lane_rows, letter
from simulator import load_scenario, run_scenario
from simulator.i18n import use_language
from simulator.scenario import scenario_paths
from simulator.trace import Trace

NAMES = sorted(n for n, p in scenario_paths().items() if p.parent.name == "scenarios")
CASES = [(n, m) for n in NAMES for m in ("serial", "parallel")]


@pytest.fixture(scope="module")
def docs():
    return {(n, m): (run_scenario(load_scenario(n), m), run_document(run_scenario(load_scenario(n), m)))
            for n, m in CASES}


@pytest.mark.parametrize("name,mode", CASES)
def test_one_step_per_event_with_a_sentence_and_a_state(docs, name, mode):
    trace, doc = docs[(name, mode)]
    assert len(doc["steps"]) == len(trace.events)
    assert all(st["say"] and st["state"] in doc["states"] for st in doc["steps"])
    assert all(b >= a for a, b in zip((st["parts"] for st in doc["steps"]), (st["parts"] for st in doc["steps"][1:]),
                                      strict=False)), "the conversation only grows"
    assert doc["steps"][-1]["state"] == "done"
    assert not any("None" in st["say"] or "e+" in st["say"] for st in doc["steps"])


@pytest.mark.parametrize("name,mode", CASES)
def test_the_queue_fills_at_enqueue_empties_at_drain_and_the_lock_lights_for_both(docs, name, mode):
    trace, doc = docs[(name, mode)]
    parents = {lane["id"]: lane.get("parent", "main") for lane in trace.lanes}
    for ev, st in zip(trace.events, doc["steps"], strict=True):
        if ev["kind"] in ("enqueue", "progress"):  # a progress report takes the lock as a result does
            assert st["lock"] == "enqueue"
            if parents.get(ev["lane"]) == "main":
                assert len(st["queue"]) == ev["queue_depth"]
        elif ev["kind"] == "drain" and ev["lane"] == "main":
            assert st["lock"] == "drain" and len(st["queue"]) == len(ev["queue_after"])
            assert st["drain"] is not None
        else:  # a sub-agent's drain takes its own queue's lock, not the main one
            assert st["lock"] is None
    assert len(doc["drains"]) == sum(1 for ev in trace.events if ev["kind"] == "drain" and ev["lane"] == "main")


@pytest.mark.parametrize("name,mode", CASES)
def test_a_step_names_only_its_own_drain(docs, name, mode):
    """A step of the main loop's drain or injection points at that drain; a sub-agent's drain points at none."""
    trace, doc = docs[(name, mode)]
    for seq, (ev, st) in enumerate(zip(trace.events, doc["steps"], strict=True)):
        if ev["kind"] in ("drain", "inject") and ev["lane"] == "main":
            drain = doc["drains"][st["drain"]]
            assert drain["seq"] == seq if ev["kind"] == "drain" else drain["inject"] == seq
        else:
            assert st["drain"] is None, (seq, ev["kind"], ev["lane"])


def test_the_serial_harness_blocks_and_the_parallel_one_idles(docs):
    _, serial = docs[("tests-and-docs", "serial")]
    _, parallel = docs[("tests-and-docs", "parallel")]
    assert "blocked" in {st["state"] for st in serial["steps"]}
    assert "idle" in {st["state"] for st in parallel["steps"]} and "blocked" not in {st["state"] for st in parallel["steps"]}


def test_every_anchor_of_the_code_pane_is_in_the_engine_source():
    pane = code_pane()
    assert list(pane) == [e.key for e in EXCERPTS]
    for kind, anchors in ANCHORS.items():
        for key, text in anchors:
            assert anchor_line(key, text, pane) is not None, (kind, key, text)


def test_the_highlighted_line_is_the_one_that_did_the_step():
    pane = code_pane()

    def line(key: str, n: int) -> str:
        return next(x["text"] for x in pane[key]["lines"] if x["n"] == n)

    spawn = highlights({"kind": "spawn"}, "parallel", pane)
    assert spawn[0][0] == "tools" and "self.bg.run(command)" in line(*spawn[0])
    assert "started_text" in line(*spawn[1])  # background_run returns the started text at once
    enqueue = highlights({"kind": "enqueue"}, "parallel", pane)
    assert "self._queue.append(note)" in line(*enqueue[0])
    blocked = highlights({"kind": "tool_start"}, "serial", pane)
    assert "run_command" in line(*blocked[1])
    end = highlights({"kind": "session_end", "reason": "wait_timeout"}, "parallel", pane)
    assert 'self._end("wait_timeout"' in line(*end[0])


@pytest.mark.parametrize("name,mode", CASES)
def test_every_step_of_the_loop_shows_some_code(docs, name, mode):
    trace, doc = docs[(name, mode)]
    for ev, st in zip(trace.events, doc["steps"], strict=True):
        if ev["lane"] == "main" and ev["kind"] not in ("kill",):
            assert st["code"], (ev["kind"], ev["seq"])


def test_lanes_are_named_by_letter_and_what_sets_them_apart():
    assert [letter(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]
    assert distinct_names(["python subagent.py --task auth", "python subagent.py --task users"]) == ["auth", "users"]
    assert distinct_names(["pytest tests/ -v"]) == ["pytest tests/ -v"]
    rows = lane_rows(run_scenario(load_scenario("multi-agent-one-slot"), "parallel"))
    assert [r["name"] for r in rows][:3] == ["main thread", "A: auth", "B: users"]
    agents = lane_rows(run_scenario(load_scenario("multi-agent"), "parallel"))
    assert [r["name"] for r in agents][1] == "A: Implement the auth module"  # a sub-agent named A: its task
    assert {(r["kind"], r["parent_row"], r["depth"]) for r in agents[1:]} == {("agent", 0, 1)}
    fan = [r["name"] for r in lane_rows(run_scenario(load_scenario("fan-out-20"), "parallel"))]
    assert len(set(fan)) == len(fan) and all(len(n) <= 30 for n in fan)


@pytest.mark.parametrize("name,mode", [("multi-agent", "parallel"), ("fan-out-20", "parallel"), ("timeout", "serial")])
def test_the_timeline_spec_is_valid_vega_lite(docs, name, mode):
    import altair as alt

    spec = dict(docs[(name, mode)][1]["timeline"])
    alt.LayerChart.from_dict(spec, validate=True)
    assert {p["name"] for p in spec["params"]} == {"cursor", "hide", "x0", "x1", "lanes", "rows"}


def _shape(spec: dict) -> str:
    """A spec without what differs from run to run (as the player's ``specShape`` sees it)."""
    rest = {k: v for k, v in spec.items() if k not in ("datasets", "width", "height", "params")}
    return json.dumps([rest, [p["name"] for p in spec["params"]]], sort_keys=True)


def test_every_run_has_the_same_chart_but_its_data(docs):
    """The browser keeps a chart it has drawn and swaps another run's data into it: only data and parameters differ."""
    shapes = {_shape(doc["timeline"]) for _, doc in docs.values()}
    assert len(shapes) == 1
    fan = docs[("fan-out-20", "parallel")][1]["timeline"]
    lanes = next(p["value"] for p in fan["params"] if p["name"] == "lanes")
    rows = next(p["value"] for p in fan["params"] if p["name"] == "rows")
    assert rows == len(lanes) == 22 and lanes[0] == "main thread" and lanes[-1] == "queue depth"
    assert set(fan["datasets"]) == {"bars", "depth", "links", "drains", "progress"}
    layers = [layer["data"] for layer in fan["layer"]]
    assert all("values" not in d for d in layers if "name" in d)  # no run's data inside the layers


def test_the_words_follow_the_language():
    trace = run_scenario(load_scenario("tests-and-docs"), "parallel")
    with use_language("en"):
        en = player_document({"parallel": trace})
    assert en["strings"]["next"] == "Next" and en["strings"]["cat"]["idle"] == "idle (free)"
    json.dumps(en)  # the whole document is plain JSON
    with use_language("ja"):
        ja = player_document({"parallel": trace})
    cursor = {lang: next(layer["encoding"]["text"]["value"]["expr"] for layer in doc["runs"]["parallel"]["timeline"]["layer"]
                         if "cursor" in json.dumps(layer.get("encoding", {}).get("text", {})))
              for lang, doc in (("en", en), ("ja", ja))}
    assert cursor["en"].endswith("+ ' s'") and cursor["ja"].endswith("+ ' 秒'")  # the chart's cursor label too


def test_a_task_says_who_or_what_killed_it():
    trace = run_scenario(load_scenario("stop-runaway-task"), "parallel")
    [task] = run_document(trace)["tasks"]
    assert task["killed_by"] == "model"
    data = trace.to_dict()
    data["events"] = [ev for ev in data["events"] if ev["kind"] != "kill"]
    for ev in data["events"]:
        if ev["kind"] == "finish":
            ev["reason"] = "output_limit"
    for i, ev in enumerate(data["events"]):
        ev["seq"] = i
    [task] = run_document(Trace.from_dict(data, "flood"))["tasks"]
    assert task["killed_by"] == "it printed more than its output limit"
