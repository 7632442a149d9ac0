"""The legend shared by every timeline on a page: a small Vega-Lite chart of its own."""

from __future__ import annotations

from typing import Any

from exports.palette import ARROW_COLORS, CURSOR_COLOR, MAIN_COLORS, STATUS_COLORS

from .timeline import VEGA_LITE_SCHEMA, _config, _field, _layer

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


def legend_chart() -> dict[str, Any]:
    """A compact legend for every timeline on the page (drawn once, as its own small Vega-Lite chart)."""
    titles = [{"row": 0, "text": "main thread"}, {"row": 1, "text": "background task"}, {"row": 2, "text": "marks"}]
    entries = legend_rows()
    for e in entries:
        e["x1"] = e["x"] + 14
        e["tx"] = e["x"] + (19 if e["kind"] in ("dashed", "line", "cursor") else 10)
    x_scale = {"domain": [0, LEGEND_WIDTH], "nice": False, "range": [0, LEGEND_WIDTH]}

    def x(name: str) -> dict[str, Any]:
        return _field(name, "quantitative", axis=None, scale=x_scale)

    y = _field("row", "quantitative", axis=None, scale={"domain": [-0.6, 2.6], "nice": False, "reverse": True})
    color = _field("color", scale=None)

    def of(*kinds: str) -> list[dict[str, Any]]:
        return [e for e in entries if e["kind"] in kinds]

    layers = [
        _layer(of("box"), {"type": "square", "opacity": 1, "size": 130}, color=color, x=x("x"), y=y),
        _layer(of("dashed", "line"), {"type": "rule", "strokeWidth": 2}, color=color,
               strokeDash=_field("kind", legend=None, scale={"domain": ["dashed", "line"], "range": [[4, 3], [1, 0]]}),
               x=x("x"), x2={"field": "x1"}, y=y),
        _layer(of("cursor"), {"type": "tick", "orient": "vertical", "size": 14, "thickness": 2}, color=color,
               x=x("x"), y=y),
        _layer(of("diamond"), {"type": "point", "filled": True, "shape": "diamond", "size": 110}, color=color,
               x=x("x"), y=y),
        _layer(entries, {"type": "text", "align": "left", "baseline": "middle", "color": "#334155", "fontSize": 12},
               text=_field("label"), x=x("tx"), y=y),
        _layer(titles, {"type": "text", "align": "left", "baseline": "middle", "color": "#0f172a", "fontSize": 12,
                        "fontWeight": "bold"}, text=_field("text"), x={"value": 0}, y=y),
    ]
    return {"$schema": VEGA_LITE_SCHEMA, "config": _config(), "layer": layers, "height": 66, "width": LEGEND_WIDTH}
