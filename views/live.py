"""The Live page's timeline: the player's own spec, with its cursor at "now" and its axis reaching it."""

from __future__ import annotations

import copy
from typing import Any

from exports.player.lanes import lane_rows
from exports.player.timeline import timeline_spec
from simulator.trace import Trace


def live_chart(trace: Trace, now: float | None) -> dict[str, Any]:
    """The timeline of a run so far (a Vega-Lite spec for ``st.vega_lite_chart``), the cursor at ``now``."""
    spec = copy.deepcopy(timeline_spec(trace, lane_rows(trace)))
    end = max(trace.duration, now or 0.0, 0.001)
    values = {"cursor": now if now is not None else end, "hide": False, "x0": 0.0, "x1": end}
    for param in spec["params"]:
        param["value"] = values.get(param["name"], param["value"])
    datasets = spec.pop("datasets")  # Streamlit would turn named datasets into tables: each layer gets its values
    for layer in spec["layer"]:
        if "name" in layer["data"]:
            layer["data"] = {"values": datasets[layer["data"]["name"]]}
    spec.pop("width", None)
    return spec
