"""The player's timeline: one Vega-Lite spec per run, whose cursor, zoom and hidden future are parameters.

The spec is built once; stepping only sets the ``cursor`` parameter (seconds) in the
browser, so a step redraws in a few milliseconds. Each span is drawn twice: its
past up to the cursor (a task still running shows as running) and its future after
it (faded, or hidden when a lesson asks about what comes next). The lanes are the
main thread, one per background task, and a last one for the queue's depth. A
sub-agent's own model calls and tools are drawn inside its task's bar, and each
progress report is a tick on its task's lane.

Everything that differs from one run to another is a parameter (the lanes' names and
count) or a named dataset, and the rest of the spec is the same for every run in one
language: the browser keeps a chart it has drawn and only swaps its data in when the
page shows another run (a What-if change, another scenario).
"""

from __future__ import annotations

from typing import Any

from exports.palette import (
    CATEGORY_COLORS,
    CURSOR_COLOR,
    DRAIN_COLOR,
    LIGHT_CATEGORIES,
    PROGRESS_COLOR,
    QUEUE_COLOR,
)
from simulator.i18n import _
from simulator.spans import arrows, drain_marks, spans
from simulator.status_words import status_words
from simulator.text import cut_words
from simulator.trace import Trace

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
ROW_PX = 34
TOP = -1.1  # room above the main lane for the drain marks and the cursor's label
_LOOP_KINDS = {"model": "model", "tool": "tool", "blocked": "blocked", "waiting": "idle"}
_FINAL = {"completed", "error", "timeout", "killed", "interrupted"}


def _quoted(text: str) -> str:
    """``text`` as a string literal of a Vega expression."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _cursor_words() -> str:
    """The cursor's label as a Vega expression, in the reader's language ("t = 2.6 s", "t = 2.6 秒")."""
    before, _sep, after = _("t = {t} s").partition("{t}")
    return f"{_quoted(before)} + format(cursor, '.1f') + {_quoted(after)}"


def category_words() -> dict[str, str]:
    """What each colour means, in the reader's language."""
    return {"model": _("model call"), "tool": _("quick tool"), "blocked": _("blocked by a command"),
            "idle": _("idle (free)"), **status_words()}


def _bar(s: dict[str, Any], row: int, words: dict[str, str]) -> dict[str, Any]:
    loop = s["kind"] in _LOOP_KINDS
    final = _LOOP_KINDS[s["kind"]] if loop else ("queued" if s["kind"] == "queued" else
                                                  (s.get("status") if s.get("status") in _FINAL else "running"))
    during = final if loop or s["kind"] == "queued" else "running"
    what = s.get("label", "")
    if s["kind"] == "blocked":
        text = _("blocked: {command}").format(command=what.split(" ", 1)[-1])
    elif s["kind"] == "waiting":
        text = _("idle (free): nothing to do until a result arrives")
    elif s["kind"] == "queued":
        text = words["queued"]
    elif loop:
        text = ""
    else:
        code = s.get("exit_code")
        text = words[final] + (f" (exit {code})" if code not in (None, 0) and final != "running" else "")
    if loop and row:
        text = ""  # a sub-agent's own calls sit inside its task's bar, which carries the words (its tooltip has theirs)
    return {"row": row, "start": s["start"], "end": s["end"], "final": final, "during": during,
            "text": text, "dark": final in LIGHT_CATEGORIES, "what": cut_words(what, 80) or words[final],
            "state": words[final], "secs": round(s["end"] - s["start"], 3), "inner": bool(loop and row)}


def _progress_marks(trace: Trace, row_of: dict[str, int]) -> list[dict[str, Any]]:
    """A tick per progress event, on its task's lane: ``{t, row, y0, y1, text}``."""
    out = []
    for ev in trace.events:
        if ev["kind"] == "progress" and ev["lane"] in row_of:
            row = row_of[ev["lane"]]
            out.append({"t": ev["t"], "row": row, "y0": row - 0.42, "y1": row + 0.42,
                        "text": cut_words(str(ev.get("text", "")), 80)})
    return out


def _queue_depth(trace: Trace, end: float) -> list[dict[str, Any]]:
    """The queue's depth over time as intervals ``{start, end, depth}``."""
    points = [(0.0, 0)]
    for ev in trace.events:
        if ev["kind"] == "enqueue" and ev["lane"] != "main":
            points.append((ev["t"], int(ev.get("queue_depth") or 0)))
        elif ev["kind"] == "drain" and ev["lane"] == "main":
            points.append((ev["t"], len(ev.get("queue_after") or [])))
    out = []
    for (t0, depth), (t1, _next) in zip(points, points[1:] + [(end, 0)], strict=True):
        if t1 > t0 and depth:
            out.append({"start": t0, "end": t1, "depth": depth})
    return out


def _layer(dataset: str, mark: dict[str, Any], encoding: dict[str, Any],
           transform: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    layer: dict[str, Any] = {"data": {"name": dataset}, "mark": mark, "encoding": encoding}
    if transform:
        layer["transform"] = transform
    return layer


def timeline_spec(trace: Trace, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The Vega-Lite spec of ``trace`` for the player (``rows`` from ``lane_rows``)."""
    words = category_words()
    row_of = {r["id"]: r["row"] for r in rows}
    serial = trace.meta.get("mode") == "serial"
    queue_row = len(rows)  # the queue's lane (the serial harness has no queue: no lane)
    end = max(trace.duration, 0.001)
    bars = [_bar(s, row_of[s["lane"]], words) for s in spans(trace) if s["lane"] in row_of]
    depth = _queue_depth(trace, end)
    top = max([d["depth"] for d in depth] + [1])
    for d in depth:
        d.update(row=queue_row, y0=queue_row + 0.34, y1=queue_row + 0.34 - 0.68 * d["depth"] / top)
    links = [{"x0": a["from_t"], "x1": a["to_t"], "y0": row_of.get(a["from_lane"], 0), "y1": row_of.get(a["to_lane"], 0),
              "kind": a["kind"]} for a in arrows(trace) if a["from_lane"] in row_of and a["to_lane"] in row_of]
    drains = [{"t": d["t"], "n": len(d["delivered"]), "y": TOP + 0.45} for d in drain_marks(trace)]
    names = [r["name"] for r in rows] + ([] if serial else [_("queue depth")])
    last_row = queue_row - 1 if serial else queue_row
    cats = list(CATEGORY_COLORS)
    x_scale = {"domain": [{"expr": "x0"}, {"expr": "x1"}], "clamp": True, "nice": False, "zero": False}
    y_scale = {"domain": [{"expr": "rows - 0.5"}, TOP], "nice": False, "zero": False}
    y_axis = {"values": {"expr": "sequence(0, rows)"}, "labelExpr": "lanes[datum.value]", "title": None,
              "grid": False, "ticks": False, "domain": False, "labelFontSize": 13, "labelLimit": 190,
              "labelPadding": 8, "minExtent": 200, "maxExtent": 200,  # the same width on every chart: axes line up
              "tickCount": {"expr": "rows"}, "labelOverlap": False}  # a name on every lane, however many
    x_axis = {"title": _("time (s)"), "grid": True, "gridOpacity": 0.35, "labelFontSize": 12, "titleFontSize": 12,
              "tickCount": 8}

    def x(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "scale": x_scale, "axis": x_axis}

    def y(field: str, axis: bool = False) -> dict[str, Any]:  # every layer names the same axis, so they merge
        return {"field": field, "type": "quantitative", "scale": y_scale, "axis": y_axis}

    color = {"field": "cat", "type": "nominal", "legend": None,
             "scale": {"domain": cats, "range": [CATEGORY_COLORS[c] for c in cats]}}
    tooltip = [{"field": "what", "title": _("what")}, {"field": "state", "title": _("ends as")},
               {"field": "start", "title": _("from (s)"), "format": ".1f", "type": "quantitative"},
               {"field": "end", "title": _("to (s)"), "format": ".1f", "type": "quantitative"},
               {"field": "secs", "title": _("lasts (s)"), "format": ".1f", "type": "quantitative"}]
    half = "(datum.row == 0 ? 0.36 : (datum.inner ? 0.16 : 0.3))"  # a sub-agent's own calls: inside its task's bar
    band = [{"calculate": f"datum.row - {half}", "as": "b0"}, {"calculate": f"datum.row + {half}", "as": "b1"}]
    past = _layer("bars", {"type": "rect", "cornerRadius": 2},
                  {"x": x("start"), "x2": {"field": "pend"}, "y": y("b0", axis=True), "y2": {"field": "b1"},
                   "color": color, "tooltip": tooltip},
                  [{"filter": "datum.start < cursor"}, {"calculate": "min(datum.end, cursor)", "as": "pend"},
                   {"calculate": "datum.end <= cursor ? datum.final : datum.during", "as": "cat"}, *band])
    future = _layer("bars", {"type": "rect", "cornerRadius": 2, "opacity": {"expr": "hide ? 0 : 0.22"}},
                    {"x": x("pstart"), "x2": {"field": "end"}, "y": y("b0"), "y2": {"field": "b1"},
                     "color": color, "tooltip": tooltip},
                    [{"filter": "datum.end > cursor"}, {"calculate": "max(datum.start, cursor)", "as": "pstart"},
                     {"calculate": "datum.final", "as": "cat"}, *band])
    labels = _layer("bars",
                    {"type": "text", "baseline": "middle", "align": "left", "dx": 5, "fontSize": 12, "clip": True,
                     "limit": {"expr": "max(1, scale('x', min(datum.end, x1)) - scale('x', max(datum.start, x0)) - 10)"}},
                    {"x": x("lstart"), "y": y("row"), "text": {"field": "label"},
                     "color": {"condition": {"test": "datum.dark", "value": "#1f2937"}, "value": "#ffffff"},
                     "opacity": {"condition": {"test": "datum.start < cursor", "value": 1},
                                 "value": {"expr": "hide ? 0 : 0.35"}}},
                    [{"calculate": "datum.end <= cursor || datum.start >= cursor ? datum.text : "
                                   "(datum.during == 'running' ? '" + words["running"].replace("'", "\\'") +
                                   "' : datum.text)", "as": "label"},
                     {"calculate": "max(datum.start, x0)", "as": "lstart"}])
    # words only on a bar inside the time window (a limit of 0 would mean no limit: a bar left of the window
    # would spill its words over the bars in view)
    labels["transform"].insert(0, {"filter": "datum.text && datum.end > x0 && datum.start < x1"})
    queue = _layer("depth", {"type": "rect", "color": QUEUE_COLOR},
                   {"x": x("start"), "x2": {"field": "end"}, "y": y("y0"), "y2": {"field": "y1"},
                    "opacity": {"condition": {"test": "datum.start < cursor", "value": 0.85},
                                "value": {"expr": "hide ? 0 : 0.2"}},
                    "tooltip": [{"field": "depth", "title": _("notifications waiting"), "type": "quantitative"}]})
    link = _layer("links", {"type": "rule", "strokeWidth": 1.6},
                  {"x": x("x0"), "x2": {"field": "x1"}, "y": y("y0"), "y2": {"field": "y1"},
                   "color": {"field": "kind", "type": "nominal", "legend": None,
                             "scale": {"domain": ["spawn", "deliver"], "range": ["#64748b", "#15803d"]}},
                   "strokeDash": {"field": "kind", "type": "nominal", "legend": None,
                                  "scale": {"domain": ["spawn", "deliver"], "range": [[4, 3], [1, 0]]}},
                   "opacity": {"condition": {"test": "datum.x1 <= cursor", "value": 0.9},
                               "value": {"expr": "hide ? 0 : 0.18"}}})
    marks = _layer("drains", {"type": "point", "shape": "diamond", "filled": True, "color": DRAIN_COLOR},
                   {"x": x("t"), "y": y("y"), "size": {"condition": {"test": "datum.n > 0", "value": 160}, "value": 50},
                    "opacity": {"condition": {"test": "datum.t <= cursor", "value": 1},
                                "value": {"expr": "hide ? 0 : 0.25"}},
                    "tooltip": [{"field": "t", "title": _("drain at (s)"), "format": ".1f", "type": "quantitative"},
                                {"field": "n", "title": _("results delivered"), "type": "quantitative"}]})
    progress = _layer("progress", {"type": "rule", "strokeWidth": 2, "color": PROGRESS_COLOR},
                      {"x": x("t"), "y": y("y0"), "y2": {"field": "y1"},
                       "opacity": {"condition": {"test": "datum.t <= cursor", "value": 1},
                                   "value": {"expr": "hide ? 0 : 0.25"}},
                       "tooltip": [{"field": "text", "title": _("progress lines")},
                                   {"field": "t", "title": _("reported at (s)"), "format": ".1f",
                                    "type": "quantitative"}]})
    cursor = {"data": {"values": [{}]}, "mark": {"type": "rule", "color": CURSOR_COLOR, "strokeWidth": 2},
              "encoding": {"x": {"datum": {"expr": "cursor"}, "type": "quantitative", "scale": x_scale},
                           "y": {"datum": TOP, "type": "quantitative", "scale": y_scale},
                           "y2": {"datum": {"expr": "rows - 0.5"}}}}
    cursor_text = {"data": {"values": [{}]},
                   "mark": {"type": "text", "align": {"expr": "cursor > (x0 + x1) * 0.5 ? 'right' : 'left'"},
                            "dx": {"expr": "cursor > (x0 + x1) * 0.5 ? -6 : 6"}, "baseline": "top", "fontSize": 13,
                            "fontWeight": "bold", "color": CURSOR_COLOR},
                   "encoding": {"x": {"datum": {"expr": "cursor"}, "type": "quantitative", "scale": x_scale},
                                "y": {"datum": TOP + 0.02, "type": "quantitative", "scale": y_scale},
                                "text": {"value": {"expr": _cursor_words()}}}}
    return {
        "$schema": SCHEMA,
        "params": [{"name": "cursor", "value": 0}, {"name": "hide", "value": False},
                   {"name": "x0", "value": 0}, {"name": "x1", "value": end},
                   {"name": "lanes", "value": names}, {"name": "rows", "value": last_row + 1}],
        "datasets": {"bars": bars, "depth": depth, "links": links, "drains": drains,
                     "progress": _progress_marks(trace, row_of)},
        "width": 640, "height": (last_row + 1) * ROW_PX + 44, "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"view": {"stroke": None}, "font": "sans-serif"},
        "layer": [past, future, queue, link, labels, progress, marks, cursor, cursor_text],
        "resolve": {"scale": {"color": "independent"}},
    }
