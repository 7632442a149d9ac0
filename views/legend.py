"""The legend of a timeline drawn outside the player (the Live page): a small Vega-Lite chart of its own."""

from __future__ import annotations

from typing import Any

from exports.palette import CATEGORY_COLORS, CURSOR_COLOR, DRAIN_COLOR
from exports.player.timeline import SCHEMA, category_words
from simulator.i18n import _

SHOWN = ("model", "tool", "blocked", "idle", "queued", "running", "completed", "error", "timeout", "killed")


def legend_rows() -> list[dict[str, Any]]:
    """The legend's entries ``{label, color, kind}``: the colours of the bars, then the marks."""
    words = category_words()
    rows = [{"label": words[c], "color": CATEGORY_COLORS[c], "kind": "square"} for c in SHOWN]
    rows += [{"label": _("drain"), "color": DRAIN_COLOR, "kind": "diamond"},
             {"label": _("now"), "color": CURSOR_COLOR, "kind": "stroke"}]
    return rows


def legend_chart() -> dict[str, Any]:
    """A horizontal legend, wrapping over as many columns as fit."""
    rows = legend_rows()
    return {"$schema": SCHEMA, "data": {"values": rows}, "mark": {"type": "point", "filled": True, "size": 110},
            "encoding": {
                "color": {"field": "label", "type": "nominal", "sort": None,
                          "scale": {"domain": [r["label"] for r in rows], "range": [r["color"] for r in rows]},
                          "legend": {"orient": "top", "direction": "horizontal", "columns": 6, "title": None,
                                     "labelFontSize": 12, "symbolType": "square", "labelLimit": 200}},
                "shape": {"field": "label", "type": "nominal", "sort": None, "legend": None,
                          "scale": {"domain": [r["label"] for r in rows], "range": [r["kind"] for r in rows]}}},
            "height": 1, "width": 640, "config": {"view": {"stroke": None}, "axis": {"disable": True}}}
