"""The timeline as a standalone SVG image, drawn in plain Python (no extra dependency).

One row per lane (main thread, then one per background task), bars for the spans,
diamonds for drain points, lines for the spawn and delivery arrows, a step line for
the queue depth and a time axis. Every piece of text is XML-escaped, so command output
cannot inject markup. ``timeline_svg_runs`` stacks several runs (serial above
parallel) on one shared time scale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from simulator.i18n import _
from simulator.modes import MODES, in_mode_order
from simulator.snapshot import snapshot
from simulator.spans import arrows, drain_marks, spans
from simulator.text import one_line
from simulator.trace import MAIN, Trace

from .palette import ARROW_COLORS, CATEGORY_COLORS, CURSOR_COLOR

LABEL_W = 210
ROW_H = 24
BAR_H = 16
QUEUE_H = 34
AXIS_H = 28
TITLE_H = 34
LEGEND_H = 26
PAD = 10
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

FILL = {"model": CATEGORY_COLORS["model"], "tool": CATEGORY_COLORS["tool"],
        "blocked": CATEGORY_COLORS["blocked"], "waiting": CATEGORY_COLORS["idle"],
        "queued": CATEGORY_COLORS["queued"], "running": CATEGORY_COLORS["running"]}
SPAWN_COLOUR = ARROW_COLORS["spawn"]
DELIVER_COLOUR = ARROW_COLORS["deliver"]
DRAIN_FILL = "#f59e0b"
CURSOR_COLOUR = CURSOR_COLOR


def _words() -> dict[str, str]:
    """The picture's own words, in the current language."""
    return {
        "main_thread": _("main thread"), "model_call": _("model call #{call}"), "queue_depth": _("queue depth"),
        "seconds": _("time (s)"), "step": _("step {step}/{total}"),
        "drain_tip": _("drain at {t} s: {depth} in the queue, {n} delivered"),
        "legend.model": _("model call"), "legend.tool": _("tool"), "legend.blocked": _("blocked"),
        "legend.waiting": _("idle"), "legend.queued": _("queued"), "legend.running": _("running"),
        "legend.completed": _("completed"), "legend.failed": _("failed"), "legend.drain": _("drain"),
        "mode.serial": _("serial harness (s07)"), "mode.parallel": _("parallel harness (s08)"),
    }


def t(key: str, **fmt: Any) -> str:
    """The label ``key`` in the current language, with ``{placeholders}`` filled."""
    return _words()[key].format(**fmt)


NICE_STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 3600)


def _attr(value: Any) -> str:
    return quoteattr(str(value))


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: float) -> float:
    """A rough width of ``text`` in pixels (wide characters count double)."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def tick_step(duration: float, target: int = 10) -> float:
    """A round tick interval giving about ``target`` ticks over ``duration`` seconds."""
    for step in NICE_STEPS:
        if duration / step <= target:
            return float(step)
    return float(NICE_STEPS[-1])


def _span_label(trace: Trace, s: dict[str, Any]) -> str:
    """A bar's text: model calls and queued spans in the chosen language, commands as they are."""
    if s["kind"] == "model":
        return t("model_call", call=trace.events[s["seq"]].get("call", "?"))
    if s["kind"] == "queued":
        return t("legend.queued")
    return str(s["label"])


def _lane_label(lane: dict[str, Any]) -> str:
    if lane["id"] == MAIN:
        return t("main_thread")
    return one_line(f"{lane['id']} {lane.get('command') or lane.get('label') or ''}", 30)


def _queue_line(trace: Trace, q_top: float, x: Callable[[float], float]) -> list[str]:
    """The queue depth over time as a step line, with its label and scale."""
    out: list[str] = []
    out.append(f'<text x="{PAD + 4}" y="{q_top + 20:.1f}" font-size="11">{escape(t("queue_depth"))}</text>')
    points: list[tuple[float, int]] = [(0.0, 0)]
    for ev in trace.events:
        if ev["kind"] == "enqueue":
            points.append((ev["t"], int(ev.get("queue_depth") or 0)))
        elif ev["kind"] == "drain":
            points.append((ev["t"], len(ev.get("queue_after") or [])))
    top_depth = max([p[1] for p in points] + [1])
    base = q_top + QUEUE_H - 6
    path, last = [], 0
    for tt, depth in points:
        py_last = base - (QUEUE_H - 10) * last / top_depth
        py_new = base - (QUEUE_H - 10) * depth / top_depth
        path.append(f"L{x(tt):.2f},{py_last:.1f} L{x(tt):.2f},{py_new:.1f}")
        last = depth
    path.append(f"L{x(trace.duration):.2f},{base - (QUEUE_H - 10) * last / top_depth:.1f}")
    out.append(f'<path d="M{x(0):.2f},{base:.1f} {" ".join(path)}" fill="none" stroke="{DRAIN_FILL}" '
               f'stroke-width="1.5"/>')
    out.append(f'<text x="{PAD + LABEL_W - 4}" y="{base - (QUEUE_H - 10) + 4:.1f}" font-size="9" text-anchor="end">'
               f'{top_depth}</text>')
    return out


def _section(trace: Trace, top: float, width: float, t_end: float, step: int | None,
             heading: str) -> tuple[list[str], float]:
    """SVG elements for one run, starting at ``top``; returns them and the section height."""
    plot_w = width - LABEL_W - 2 * PAD
    x0 = PAD + LABEL_W

    def x(tt: float) -> float:
        return x0 + (plot_w * tt / t_end if t_end > 0 else 0.0)

    rows = {lane["id"]: i for i, lane in enumerate(trace.lanes)}
    lanes_top = top + TITLE_H

    def y(lane: str) -> float:
        return lanes_top + rows.get(lane, 0) * ROW_H

    out = [f'<text x="{PAD}" y="{top + 17:.1f}" font-size="14" font-weight="bold">{escape(heading)}</text>']
    for i, lane in enumerate(trace.lanes):
        ry = lanes_top + i * ROW_H
        if i % 2 == 0:
            out.append(f'<rect x="{PAD}" y="{ry:.1f}" width="{width - 2 * PAD:.1f}" height="{ROW_H}" fill="#f8fafc"/>')
        out.append(f'<text x="{PAD + 4}" y="{ry + 16:.1f}" font-size="11">{escape(_lane_label(lane))}'
                   f'<title>{escape(str(lane.get("command") or lane.get("label") or lane["id"]))}</title></text>')
    for s in spans(trace):
        if s["lane"] not in rows:
            continue
        sx, ex = x(s["start"]), x(s["end"])
        fill = FILL.get(s["kind"], "#94a3b8")
        if s["kind"] == "running":
            fill = CATEGORY_COLORS.get(str(s.get("status")), FILL["running"])
        label = _span_label(trace, s)
        tip = f"{label} ({s['kind']}, {s['start']:.2f}–{s['end']:.2f} s, {s.get('status')})"
        out.append(f'<rect x="{sx:.2f}" y="{y(s["lane"]) + (ROW_H - BAR_H) / 2:.1f}" width="{max(ex - sx, 1.5):.2f}" '
                   f'height="{BAR_H}" rx="2" fill="{fill}"><title>{escape(tip)}</title></rect>')
        if ex - sx > 60 and s["kind"] != "waiting":
            room = int((ex - sx - 6) / 6.2)
            out.append(f'<text x="{sx + 3:.2f}" y="{y(s["lane"]) + 16:.1f}" font-size="10" fill="#ffffff">'
                       f'{escape(one_line(label, room))}</text>')
    lane_start: dict[str, float] = {}
    for ev in trace.events:
        lane_start.setdefault(ev["lane"], ev["t"])
    for a in arrows(trace):
        if a["from_lane"] not in rows or a["to_lane"] not in rows:
            continue
        if a["kind"] == "spawn":  # point at the lane's first bar (a queued task starts later)
            a = {**a, "to_t": min(a["to_t"], lane_start.get(a["to_lane"], a["to_t"]))}
        colour = DELIVER_COLOUR if a["kind"] == "deliver" else SPAWN_COLOUR
        dash = "" if a["kind"] == "deliver" else ' stroke-dasharray="3,2"'
        out.append(f'<line x1="{x(a["from_t"]):.2f}" y1="{y(a["from_lane"]) + ROW_H / 2:.1f}" '
                   f'x2="{x(a["to_t"]):.2f}" y2="{y(a["to_lane"]) + ROW_H / 2:.1f}" stroke="{colour}" '
                   f'stroke-width="1.2"{dash} marker-end="url(#arrow-{a["kind"]})"/>')
    injected = {ev["seq"] - 1: ev.get("text", "") for ev in trace.events if ev["kind"] == "inject"}
    for d in drain_marks(trace):
        cx, cy = x(d["t"]), y(MAIN) + ROW_H / 2
        fill = DRAIN_FILL if d["delivered"] else "#ffffff"
        tip = t("drain_tip", t=f"{d['t']:.2f}", depth=d["depth"], n=len(d["delivered"]))
        if d["seq"] in injected:
            tip += "\n" + injected[d["seq"]]
        out.append(f'<path d="M{cx:.2f},{cy - 6:.1f} l5,6 l-5,6 l-5,-6 z" fill="{fill}" stroke="#92400e" '
                   f'stroke-width="1"><title>{escape(tip)}</title></path>')

    # queue depth as a step line (only when the run has a queue)
    q_top = lanes_top + len(trace.lanes) * ROW_H + 4
    has_queue = any(ev["kind"] == "enqueue" for ev in trace.events)
    if has_queue:
        out.extend(_queue_line(trace, q_top, x))
    height = TITLE_H + len(trace.lanes) * ROW_H + 4 + (QUEUE_H if has_queue else 0)
    if step is not None and trace.events:
        snap = snapshot(trace, step)
        cx = x(snap.t)
        out.append(f'<line x1="{cx:.2f}" y1="{lanes_top:.1f}" x2="{cx:.2f}" y2="{top + height:.1f}" '
                   f'stroke="{CURSOR_COLOUR}" stroke-width="1.5"/>')
        label = t("step", step=snap.step, total=snap.total - 1)
        near_end = cx + 3 + _text_width(label, 10) > width - PAD
        out.append(f'<text x="{cx - 3 if near_end else cx + 3:.2f}" y="{lanes_top - 3:.1f}" font-size="10" '
                   f'fill="{CURSOR_COLOUR}" text-anchor="{"end" if near_end else "start"}">{escape(label)}</text>')
    return out, height


def _axis(top: float, width: float, t_end: float) -> list[str]:
    x0, plot_w = PAD + LABEL_W, width - LABEL_W - 2 * PAD
    out = [f'<line x1="{x0}" y1="{top:.1f}" x2="{x0 + plot_w:.1f}" y2="{top:.1f}" stroke="#334155"/>']
    step = tick_step(t_end)
    n = int(t_end / step + 1e-9)
    for i in range(n + 1):
        tt = i * step
        tx = x0 + plot_w * tt / t_end if t_end > 0 else x0
        out.append(f'<line x1="{tx:.2f}" y1="{top:.1f}" x2="{tx:.2f}" y2="{top + 4:.1f}" stroke="#334155"/>')
        out.append(f'<text x="{tx:.2f}" y="{top + 15:.1f}" font-size="10" text-anchor="middle">{_num(tt)}</text>')
    out.append(f'<text x="{x0 + plot_w:.1f}" y="{top + 26:.1f}" font-size="10" text-anchor="end">'
               f'{escape(t("seconds"))}</text>')
    return out


def _legend(top: float) -> list[str]:
    out, lx = [], PAD
    items = [(FILL["model"], "legend.model"), (FILL["tool"], "legend.tool"), (FILL["blocked"], "legend.blocked"),
             (FILL["waiting"], "legend.waiting"), (FILL["queued"], "legend.queued"),
             (FILL["running"], "legend.running"), (CATEGORY_COLORS["completed"], "legend.completed"),
             (CATEGORY_COLORS["error"], "legend.failed"), (DRAIN_FILL, "legend.drain")]
    for colour, key in items:
        label = t(key)
        out.append(f'<rect x="{lx}" y="{top + 6:.1f}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{lx + 16}" y="{top + 16:.1f}" font-size="11">{escape(label)}</text>')
        lx += 26 + int(_text_width(label, 11))
    return out


def _defs() -> str:
    return ("<defs>"
            f'<marker id="arrow-spawn" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" '
            f'orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="{SPAWN_COLOUR}"/></marker>'
            f'<marker id="arrow-deliver" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" '
            f'orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="{DELIVER_COLOUR}"/></marker>'
            "</defs>")


def run_heading(trace: Trace) -> str:
    """``<title> — <harness> (<wall> s)`` for one run."""
    mode = str(trace.meta.get("mode", ""))
    title = _(str(trace.meta.get("title") or trace.meta.get("scenario") or ""))
    harness = t(f"mode.{mode}") if mode in MODES else mode
    return f"{one_line(title, 70)} — {harness} ({trace.duration:.1f} s)"


def timeline_svg_runs(traces: dict[str, Trace], *, width: int = 960, step: int | None = None) -> str:
    """One SVG with a section per run (serial first), all on the same time scale."""
    if not traces:
        raise ValueError(_("no runs to draw"))
    order = [m for m, _ in in_mode_order(traces)]
    t_end = max(traces[m].duration for m in order) or 1.0
    body: list[str] = []
    top = float(PAD)
    for mode in order:
        elements, height = _section(traces[mode], top, width, t_end, step, run_heading(traces[mode]))
        body.extend(elements)
        top += height + 8
    body.extend(_axis(top, width, t_end))
    top += AXIS_H
    body.extend(_legend(top))
    total_h = int(top + LEGEND_H + PAD)
    label = " / ".join(run_heading(traces[m]) for m in order)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
            f'viewBox="0 0 {width} {total_h}" {FONT} role="img" aria-label={_attr(label)}>'
            f"<title>{escape(label)}</title>{_defs()}"
            f'<rect x="0" y="0" width="{width}" height="{total_h}" fill="#ffffff"/>'
            + "".join(body) + "</svg>\n")


def timeline_svg(trace: Trace, *, width: int = 960, step: int | None = None) -> str:
    """The timeline of one run as an SVG document (``step`` draws a cursor at that step)."""
    mode = str(trace.meta.get("mode") or "run")
    return timeline_svg_runs({mode: trace}, width=width, step=step)


def render(runs: dict[str, Trace], *, step: int | None = None, **_options: Any) -> str:
    """The SVG export: every run on one time scale (``step`` draws a cursor)."""
    return timeline_svg_runs(runs, step=step)
