"""The timeline: one lane per thread, drawn to scale in seconds, with a cursor at the current step.

``timeline_chart(trace, step)`` returns a layered Altair chart; ``timeline_data``
returns the rows behind it (plain dicts) so the shape can be tested without a
browser. The main thread is the top lane; each background task has a lane below,
in the order the tasks were started. Everything after the cursor is faded.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt

from simulator.spans import arrows, drain_marks, spans
from simulator.trace import Trace

from .colors import ARROW_COLORS, CURSOR_COLOR, LIGHT_FILLS, MAIN_COLORS, STATUS_COLORS, category_colors

LABEL_CHARS = 30  # lane labels longer than this are cut with an ellipsis
AXIS_WIDTH = 210  # pixels kept for lane labels, the same on every chart so stacked charts line up
_MAIN_KIND = {"model": "model call", "tool": "tool call", "blocked": "blocked by a command",
              "waiting": "waiting for results"}
_TOP = -1.45  # room above the main lane for drain marks and the cursor label
_DRAIN_Y = -0.66


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    one = " ".join(str(text).split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def short_middle(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` on one line, cut in the middle (commands differ most at their ends)."""
    one = " ".join(str(text).split())
    if len(one) <= limit:
        return one
    head = (limit - 1) * 2 // 5
    return one[:head] + "…" + one[len(one) - (limit - 1 - head):]


def lanes(trace: Trace) -> list[dict[str, Any]]:
    """Lanes top to bottom: ``{id, index, label, full}`` (main thread first)."""
    out = [{"id": "main", "index": 0, "full": "main thread",
            "label": "main thread" if trace.meta.get("mode") != "serial" else "main thread (runs everything)"}]
    tasks = [lane for lane in trace.lanes if lane["id"] != "main"]
    fulls = [str(lane.get("command") or lane.get("label") or lane["id"]) for lane in tasks]
    numbered = len(set(fulls)) < len(fulls)  # the same command twice: number the lanes to tell them apart
    for i, (lane, full) in enumerate(zip(tasks, fulls, strict=True), start=1):
        out.append({"id": lane["id"], "index": i, "full": full,
                    "label": short_middle(f"{i}. {full}" if numbered else full)})
    return out


def row_height(n_lanes: int) -> int:
    """Pixels per lane: generous for a few lanes, compact for many."""
    if n_lanes <= 3:
        return 46
    if n_lanes <= 8:
        return 34
    return 24


def cursor_time(trace: Trace, step: int | None) -> float | None:
    """The time of event ``step`` (0-based, clamped), or None for no cursor."""
    if step is None or not trace.events:
        return None
    return float(trace.events[max(0, min(step, len(trace.events) - 1))]["t"])


def _category(span: dict[str, Any], cursor: float | None) -> tuple[str, str]:
    """(category before the cursor, final category) of a span."""
    if span["lane"] == "main":
        cat = _MAIN_KIND.get(span["kind"], "tool call")
        return cat, cat
    if span["kind"] == "queued":
        return "queued", "queued"
    final = span.get("status") or "running"
    if final in ("open", "interrupted"):
        final = "running" if final == "open" else "killed"
    if final not in ("completed", "error", "timeout", "killed"):
        final = "running"
    before = final if cursor is None or span["end"] <= cursor else "running"
    return before, final


def timeline_data(trace: Trace, step: int | None = None, *, cursor_t: float | None = None) -> dict[str, Any]:
    """The rows behind the chart: ``bars``, ``arrows``, ``drains``, ``lanes`` and ``cursor``.

    Spans are split at the cursor: the part before it shows the state at the
    cursor (a task still running is ``running``), the part after it shows how it
    ends and is marked ``future`` (drawn faded).
    """
    cursor = cursor_t if cursor_t is not None else cursor_time(trace, step)
    lane_list = lanes(trace)
    index = {lane["id"]: lane["index"] for lane in lane_list}
    label = {lane["id"]: lane["full"] for lane in lane_list}
    bars: list[dict[str, Any]] = []
    for s in spans(trace):
        if s["lane"] not in index:
            continue
        i = index[s["lane"]]
        half = 0.36 if s["lane"] == "main" else 0.3
        before, final = _category(s, cursor)
        base = {"lane": label[s["lane"]], "y0": i - half, "y1": i + half, "what": s.get("label", ""),
                "duration": round(s["end"] - s["start"], 3), "ends": final,
                "text_dark": final in LIGHT_FILLS}
        if s["lane"] != "main" and s.get("exit_code") is not None:
            base["exit_code"] = s["exit_code"]
        if cursor is None or s["end"] <= cursor:
            bars.append({**base, "start": s["start"], "end": s["end"], "category": before, "future": False})
        elif s["start"] >= cursor:
            bars.append({**base, "start": s["start"], "end": s["end"], "category": final, "future": True})
        else:
            bars.append({**base, "start": s["start"], "end": cursor, "category": before, "future": False})
            bars.append({**base, "start": cursor, "end": s["end"], "category": final, "future": True})
    arrow_rows: list[dict[str, Any]] = []
    for a in arrows(trace):
        if a["to_lane"] not in index or a["from_lane"] not in index:
            continue
        if a["kind"] == "spawn":  # down from the main lane to the task's lane, when it was created
            t0 = t1 = a["from_t"]
            y0, y1 = 0.36, index[a["to_lane"]] - 0.3
            kind = "started by background_run"
        else:  # up from the task's finish to the drain that delivered it
            t0, t1 = a["from_t"], a["to_t"]
            y0, y1 = index[a["from_lane"]] - 0.3, 0.36
            kind = "result delivered at a drain"
        arrow_rows.append({"kind": kind, "x0": t0, "x1": t1, "y0": y0, "y1": y1, "task": a["task_id"],
                           "delay": round(a["to_t"] - a["from_t"], 3), "future": cursor is not None and t1 > cursor,
                           "head": "triangle-down" if a["kind"] == "spawn" else "triangle-up"})
    drains = [{"t": d["t"], "depth": d["depth"], "y": _DRAIN_Y, "text": str(d["depth"]) if d["depth"] else "",
               "kind": "drain delivering results" if d["depth"] else "drain, queue empty",
               "future": cursor is not None and d["t"] > cursor, "delivered": len(d["delivered"])}
              for d in drain_marks(trace)]
    return {"bars": bars, "arrows": arrow_rows, "drains": drains, "lanes": lane_list, "cursor": cursor,
            "duration": trace.duration}


def timeline_chart(trace: Trace, step: int | None = None, *, cursor_t: float | None = None,
                   x_domain: tuple[float, float] | None = None, title: str | None = None,
                   height: int | None = None) -> alt.LayerChart:
    """A layered Altair chart of ``trace`` with a cursor at event ``step`` (or at ``cursor_t`` seconds).

    ``x_domain`` fixes the time axis (Compare passes the same one to both charts).
    """
    data = timeline_data(trace, step, cursor_t=cursor_t)
    lane_list = data["lanes"]
    n = len(lane_list)
    end = max(data["duration"], 1.0)
    domain = list(x_domain) if x_domain else [0.0, end]
    x_scale = alt.Scale(domain=domain, nice=False, clamp=True)
    y_scale = alt.Scale(domain=[n - 0.5, _TOP], nice=False, zero=False)
    labels = json.dumps([lane["label"] for lane in lane_list], ensure_ascii=False)
    y_axis = alt.Axis(values=list(range(n)), labelExpr=f"{labels}[datum.value]", title=None, grid=False,
                      ticks=False, domain=False, labelLimit=AXIS_WIDTH - 10, labelFontSize=12 if n <= 8 else 11,
                      labelFontWeight="normal", minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH, labelOverlap=False)
    x_axis = alt.Axis(title="time (s)", grid=True, gridOpacity=0.35, tickCount=10)
    opacity = alt.Opacity("future:N", scale=alt.Scale(domain=[False, True], range=[1.0, 0.22]), legend=None)
    cat_domain, cat_range = category_colors()

    bars = alt.Chart(alt.Data(values=data["bars"])).mark_rect(cornerRadius=2).encode(
        x=alt.X("start:Q", scale=x_scale, axis=x_axis),
        x2="end:Q",
        y=alt.Y("y0:Q", scale=y_scale, axis=y_axis),
        y2="y1:Q",
        color=alt.Color("category:N", scale=alt.Scale(domain=cat_domain, range=cat_range), legend=None),
        opacity=opacity,
        tooltip=[alt.Tooltip("lane:N", title="lane"), alt.Tooltip("what:N", title="what"),
                 alt.Tooltip("category:N", title="state"), alt.Tooltip("ends:N", title="ends as"),
                 alt.Tooltip("start:Q", title="from (s)", format=".1f"),
                 alt.Tooltip("end:Q", title="to (s)", format=".1f"),
                 alt.Tooltip("duration:Q", title="lasts (s)", format=".1f")],
    )
    # Words on the bars long enough to hold some; the browser cuts each to its bar's drawn width.
    min_len = (domain[1] - domain[0]) * 0.06
    words = [dict(b, mid=(b["start"] + b["end"]) / 2, ym=(b["y0"] + b["y1"]) / 2, word=_bar_word(b))
             for b in data["bars"] if b["end"] - b["start"] >= min_len and _bar_word(b)]
    fit = alt.expr("max(0, scale('x', datum.end) - scale('x', datum.start) - 8)")
    text = alt.Chart(alt.Data(values=words)).mark_text(fontSize=11, baseline="middle", limit=fit).encode(
        x=alt.X("mid:Q", scale=x_scale, axis=x_axis), y=alt.Y("ym:Q", scale=y_scale, axis=y_axis), text="word:N", opacity=opacity,
        color=alt.condition("datum.text_dark", alt.value("#1f2937"), alt.value("white")),
    )
    arrow_scale = alt.Scale(domain=list(ARROW_COLORS), range=list(ARROW_COLORS.values()))
    lines = alt.Chart(alt.Data(values=data["arrows"])).mark_rule(strokeWidth=1.6).encode(
        x=alt.X("x0:Q", scale=x_scale, axis=x_axis), x2="x1:Q", y=alt.Y("y0:Q", scale=y_scale, axis=y_axis), y2="y1:Q",
        stroke=alt.Stroke("kind:N", scale=arrow_scale, legend=None),
        strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(domain=list(ARROW_COLORS), range=[[4, 3], [1, 0]]),
                                  legend=None),
        opacity=opacity,
        tooltip=[alt.Tooltip("kind:N", title="arrow"), alt.Tooltip("task:N", title="task"),
                 alt.Tooltip("delay:Q", title="finish → drain (s)", format=".1f")],
    )
    heads = alt.Chart(alt.Data(values=data["arrows"])).mark_point(filled=True, size=45).encode(
        x=alt.X("x1:Q", scale=x_scale, axis=x_axis), y=alt.Y("y1:Q", scale=y_scale, axis=y_axis),
        shape=alt.Shape("head:N", scale=alt.Scale(domain=["triangle-down", "triangle-up"],
                                                  range=["triangle-down", "triangle-up"]), legend=None),
        color=alt.Color("kind:N", scale=arrow_scale, legend=None), opacity=opacity,
    )
    drain_scale = alt.Scale(domain=["drain delivering results", "drain, queue empty"], range=[150, 40])
    diamonds = alt.Chart(alt.Data(values=data["drains"])).mark_point(shape="diamond", filled=True).encode(
        x=alt.X("t:Q", scale=x_scale, axis=x_axis), y=alt.Y("y:Q", scale=y_scale, axis=y_axis),
        size=alt.Size("kind:N", scale=drain_scale, legend=None),
        color=alt.value("#0f766e"), opacity=opacity,
        tooltip=[alt.Tooltip("t:Q", title="drain at (s)", format=".1f"),
                 alt.Tooltip("depth:Q", title="queue depth"), alt.Tooltip("delivered:Q", title="delivered")],
    )
    depth = alt.Chart(alt.Data(values=[d for d in data["drains"] if d["text"]])).mark_text(
        dx=7, align="left", baseline="middle", fontSize=11, fontWeight="bold", color="#0f766e").encode(
        x=alt.X("t:Q", scale=x_scale, axis=x_axis), y=alt.Y("y:Q", scale=y_scale, axis=y_axis), text="text:N", opacity=opacity)
    layers: list[alt.Chart] = [bars, text, lines, heads, diamonds, depth]
    if data["cursor"] is not None:
        cur = [{"t": data["cursor"], "y0": _TOP, "y1": n - 0.5,
                "label": f"  t = {data['cursor']:.1f} s", "ytext": _TOP + 0.05}]
        layers.append(alt.Chart(alt.Data(values=cur)).mark_rule(strokeWidth=2, color=CURSOR_COLOR).encode(
            x=alt.X("t:Q", scale=x_scale, axis=x_axis), y=alt.Y("y0:Q", scale=y_scale, axis=y_axis), y2="y1:Q"))
        align = "right" if data["cursor"] > domain[0] + (domain[1] - domain[0]) * 0.85 else "left"
        cur[0]["label"] = cur[0]["label"].strip() + "  " if align == "right" else cur[0]["label"]
        layers.append(alt.Chart(alt.Data(values=cur)).mark_text(
            align=align, baseline="top", fontSize=12, fontWeight="bold", color=CURSOR_COLOR).encode(
            x=alt.X("t:Q", scale=x_scale, axis=x_axis), y=alt.Y("ytext:Q", scale=y_scale, axis=y_axis), text="label:N"))
    chart = alt.layer(*layers).resolve_scale(color="independent", shape="independent", size="independent")
    # Streamlit fits the whole chart (axis included) into the height.
    props: dict[str, Any] = {"height": height or n * row_height(n) + 78}
    if title:
        props["title"] = alt.Title(title, anchor="start", fontSize=14)
    return chart.properties(**props).configure_view(strokeWidth=0)


def _bar_word(bar: dict[str, Any]) -> str:
    cat = bar["category"]
    if cat == "blocked by a command":
        return "blocked: " + bar["what"].removeprefix("bash ").removeprefix("background_run ")
    if cat == "waiting for results":
        return "waiting for results"
    if cat in MAIN_COLORS:
        return ""
    if cat == "queued":
        return "queued (no free slot)"
    if bar["future"] or cat != "running":
        code = bar.get("exit_code")
        return bar["ends"] + (f" (exit {code})" if code not in (None, 0) else "")
    return "running"


def shared_domain(*traces: Trace) -> tuple[float, float]:
    """One time axis for several traces: from 0 to the longest of them."""
    return 0.0, max([t.duration for t in traces] + [1.0])


LEGEND_WIDTH = 720  # pixels; the legend keeps this size so its entries never overlap


def legend_rows() -> list[dict[str, Any]]:
    """The legend's entries ``{row, x, kind, label, color}`` in three rows (main thread, tasks, marks)."""
    rows: list[dict[str, Any]] = []
    for slot, (label, color) in enumerate(MAIN_COLORS.items()):
        rows.append({"row": 0, "x": 118 + slot * 150, "kind": "box", "label": label, "color": color})
    for slot, status in enumerate(("queued", "running", "completed", "error", "timeout", "killed")):
        rows.append({"row": 1, "x": 118 + slot * 98, "kind": "box", "label": status, "color": STATUS_COLORS[status]})
    marks = [(118, "dashed", "task started (background_run)", ARROW_COLORS["started by background_run"]),
             (318, "line", "result delivered at a drain", ARROW_COLORS["result delivered at a drain"]),
             (510, "diamond", "drain (n = results)", "#0f766e"),
             (650, "cursor", "now", CURSOR_COLOR)]
    for x, kind, label, color in marks:
        rows.append({"row": 2, "x": x, "kind": kind, "label": label, "color": color})
    return rows


def legend_chart() -> alt.LayerChart:
    """A compact legend for every timeline on the page (drawn once, as its own small chart)."""
    titles = [{"row": 0, "text": "main thread"}, {"row": 1, "text": "background task"}, {"row": 2, "text": "marks"}]
    entries = legend_rows()
    for e in entries:
        e["x1"] = e["x"] + 14
        e["tx"] = e["x"] + (19 if e["kind"] in ("dashed", "line", "cursor") else 10)
    x = alt.Scale(domain=[0, LEGEND_WIDTH], range=[0, LEGEND_WIDTH], nice=False)
    y = alt.Scale(domain=[-0.6, 2.6], nice=False, reverse=True)
    ax = {"scale": x, "axis": None}
    ay = alt.Y("row:Q", scale=y, axis=None)
    boxes = alt.Chart(alt.Data(values=[e for e in entries if e["kind"] == "box"])).mark_square(
        size=130, opacity=1).encode(x=alt.X("x:Q", **ax), y=ay, color=alt.Color("color:N", scale=None))
    lines = alt.Chart(alt.Data(values=[e for e in entries if e["kind"] in ("dashed", "line")])).mark_rule(
        strokeWidth=2).encode(x=alt.X("x:Q", **ax), x2="x1:Q", y=ay, color=alt.Color("color:N", scale=None),
                              strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(
                                  domain=["dashed", "line"], range=[[4, 3], [1, 0]]), legend=None))
    cursor = alt.Chart(alt.Data(values=[e for e in entries if e["kind"] == "cursor"])).mark_tick(
        thickness=2, size=14, orient="vertical").encode(x=alt.X("x:Q", **ax), y=ay,
                                                        color=alt.Color("color:N", scale=None))
    diamonds = alt.Chart(alt.Data(values=[e for e in entries if e["kind"] == "diamond"])).mark_point(
        shape="diamond", filled=True, size=110).encode(x=alt.X("x:Q", **ax), y=ay,
                                                       color=alt.Color("color:N", scale=None))
    labels = alt.Chart(alt.Data(values=entries)).mark_text(align="left", baseline="middle", fontSize=12,
                                                              color="#334155").encode(
        x=alt.X("tx:Q", **ax), y=ay, text="label:N")
    heads = alt.Chart(alt.Data(values=titles)).mark_text(align="left", baseline="middle", fontSize=12,
                                                         fontWeight="bold", color="#0f172a").encode(
        x=alt.value(0), y=ay, text="text:N")
    return alt.layer(boxes, lines, cursor, diamonds, labels, heads).properties(
        width=LEGEND_WIDTH, height=66).configure_view(strokeWidth=0)
