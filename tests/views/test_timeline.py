"""The timeline view: lanes, spans split at the cursor, arrows, drain marks and the Altair spec."""

from __future__ import annotations

import json

import altair as alt
import pytest

from exports.palette import MAIN_COLORS, STATUS_COLORS
from simulator import load_scenario, run_scenario
from simulator.spans import drain_marks
from simulator.text import cut_middle, one_line
from views.legend import legend_chart, legend_rows
from views.timeline import (
    LABEL_CHARS,
    cursor_time,
    lanes,
    row_height,
    shared_domain,
    timeline_chart,
    timeline_data,
)


@pytest.fixture(scope="module")
def multi():
    return run_scenario(load_scenario("multi-agent-one-slot"), "parallel")


@pytest.fixture(scope="module")
def fan():
    return run_scenario(load_scenario("fan-out-20"), "parallel")


def _layer_values(spec: dict, mark: str) -> list[list[dict]]:
    out = []
    for layer in spec["layer"]:
        m = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if m == mark:
            out.append(layer["data"]["values"])
    return out


def test_short_cuts_with_an_ellipsis_and_keeps_the_end_when_asked():
    assert one_line("a  b\nc") == "a b c"
    assert one_line("x" * 50, 10) == "x" * 9 + "…"
    cut = cut_middle("python subagent.py --task integration-tests", 24)
    assert len(cut) == 24 and cut.endswith("integration-tests"[-14:]) and "…" in cut


def test_lanes_put_the_main_thread_first_then_one_per_task(multi, fan):
    ls = lanes(multi)
    assert [lane["id"] for lane in ls] == multi.lane_ids()
    assert ls[0]["label"] == "main thread"
    assert ls[1]["full"] == "python subagent.py --task auth"
    assert ls[1]["label"].endswith("--task auth") and ls[2]["label"].endswith("--task users")
    big = lanes(fan)
    assert len(big) == 21 and all(len(lane["label"]) <= LABEL_CHARS for lane in big)


def test_lanes_are_numbered_when_a_command_repeats():
    trace = run_scenario(load_scenario("multi-agent-one-slot"), "parallel")
    trace.lanes[2]["command"] = trace.lanes[1]["command"]
    labels = [lane["label"] for lane in lanes(trace)[1:]]
    assert labels[0].startswith("1. ") and labels[1].startswith("2. ")


def test_serial_has_only_the_main_lane_with_blocked_time():
    trace = run_scenario(load_scenario("tests-and-docs"), "serial")
    data = timeline_data(trace, None)
    assert [lane["id"] for lane in data["lanes"]] == ["main"]
    blocked = [b for b in data["bars"] if b["category"] == "blocked by a command"]
    assert len(blocked) == 1 and blocked[0]["end"] - blocked[0]["start"] == pytest.approx(60.0)
    assert data["arrows"] == [] and data["drains"] == []


def test_a_span_is_split_at_the_cursor_and_the_future_part_is_faded(multi):
    step = next(ev["seq"] for ev in multi.events if ev["kind"] == "enqueue")  # task A done at 30.6 s
    t = cursor_time(multi, step)
    assert t == pytest.approx(30.6)
    data = timeline_data(multi, step)
    assert data["cursor"] == pytest.approx(30.6)
    users = [b for b in data["bars"] if b["lane"] == "python subagent.py --task users"]
    # queued 0.6 -> 30.6 (past), running 30.6 -> 50.6 (future, drawn as it ends: completed)
    assert [(b["category"], b["future"]) for b in users] == [("queued", False), ("completed", True)]
    for b in data["bars"]:
        assert (b["start"] >= data["cursor"]) == b["future"] or b["end"] <= data["cursor"]


def test_a_running_task_shows_running_before_the_cursor_and_its_end_after(multi):
    data = timeline_data(multi, cursor_t=10.0)
    auth = [b for b in data["bars"] if b["lane"] == "python subagent.py --task auth"]
    assert [(b["category"], b["future"], b["start"], b["end"]) for b in auth] == [
        ("running", False, 0.6, 10.0), ("completed", True, 10.0, 30.6)]


def test_arrows_go_from_spawn_to_task_and_from_finish_to_drain(multi):
    data = timeline_data(multi, None)
    kinds = [a["kind"] for a in data["arrows"]]
    assert kinds.count("started by background_run") == 2
    assert kinds.count("result delivered at a drain") == 2
    deliver = [a for a in data["arrows"] if a["kind"] == "result delivered at a drain"]
    drains = {d["t"] for d in drain_marks(multi) if d["delivered"]}
    assert {a["x1"] for a in deliver} == drains
    assert all(a["y1"] < a["y0"] for a in deliver)  # upwards, to the main lane


def test_drain_marks_carry_the_queue_depth(fan):
    data = timeline_data(fan, None)
    assert len(data["drains"]) == len(drain_marks(fan))
    assert {d["text"] for d in data["drains"] if d["depth"]} <= {str(n) for n in range(1, 21)}
    assert all(d["text"] == "" for d in data["drains"] if d["depth"] == 0)


def test_chart_spec_has_every_layer_a_cursor_and_the_given_domain(multi):
    spec = timeline_chart(multi, 20, x_domain=(0.0, 100.0))
    json.dumps(spec)  # plain JSON
    rules = _layer_values(spec, "rule")
    cursor = [v for v in rules if v and "label" in v[0]]
    assert cursor and cursor[0][0]["t"] == multi.events[20]["t"]
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"] == [0.0, 100.0]
    assert len(_layer_values(spec, "rect")[0]) == len(timeline_data(multi, 20)["bars"])
    labels = spec["layer"][0]["encoding"]["y"]["axis"]["labelExpr"]
    assert "main thread" in labels and "--task auth" in labels


def test_no_cursor_without_a_step(multi):
    spec = timeline_chart(multi)
    assert all("label" not in (v[0] if v else {}) for v in _layer_values(spec, "rule"))
    assert timeline_data(multi)["cursor"] is None


def test_rows_get_smaller_with_many_lanes_but_the_chart_grows(multi, fan):
    assert row_height(3) > row_height(8) > row_height(21)
    small = timeline_chart(multi, 0)["height"]
    big = timeline_chart(fan, 0)["height"]
    assert big > small and big <= 21 * 30 + 100


def test_lane_label_width_is_fixed_so_stacked_charts_line_up(multi):
    serial = run_scenario(load_scenario("multi-agent-one-slot"), "serial")
    axes = [timeline_chart(t, 0)["layer"][0]["encoding"]["y"]["axis"] for t in (serial, multi)]
    assert axes[0]["minExtent"] == axes[0]["maxExtent"] == axes[1]["minExtent"] == axes[1]["maxExtent"]


def test_shared_domain_is_the_longest_trace(multi):
    serial = run_scenario(load_scenario("multi-agent-one-slot"), "serial")
    assert shared_domain(serial, multi) == (0.0, max(serial.duration, multi.duration))


def test_legend_names_every_colour():
    rows = legend_rows()
    labels = {r["label"] for r in rows}
    assert set(MAIN_COLORS) <= labels
    assert {"queued", "running", "completed", "error", "timeout", "killed"} <= labels
    assert all(r["color"] in {**MAIN_COLORS, **STATUS_COLORS}.values() for r in rows if r["kind"] == "box")
    xs = [(r["row"], r["x"]) for r in rows]
    assert len(set(xs)) == len(xs)


@pytest.mark.parametrize("which", ["legend", "cursor", "no-cursor", "title"])
def test_specs_are_valid_vega_lite(multi, fan, which):
    """The specs are written as plain dicts (fast); the Vega-Lite schema still accepts every one."""
    spec = {"legend": lambda: legend_chart(), "cursor": lambda: timeline_chart(fan, 40),
            "no-cursor": lambda: timeline_chart(multi),
            "title": lambda: timeline_chart(multi, cursor_t=12.5, x_domain=(0.0, 90.0), title="Serial",
                                            height=240)}[which]()
    chart = alt.LayerChart.from_dict(spec, validate=True)  # raises on anything the schema rejects
    assert chart.to_dict() == json.loads(json.dumps(spec))
