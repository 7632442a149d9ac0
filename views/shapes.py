"""The two notification shapes side by side: what the drain injected into one run, word for word."""

from __future__ import annotations

from typing import Any

from simulator.trace import Trace


def injected_texts(trace: Trace, limit: int = 3) -> list[str]:
    """The first ``limit`` blocks the main loop's drains injected, exactly as the model read them."""
    texts = [str(ev.get("text", "")) for ev in trace.events if ev["kind"] == "inject" and ev["lane"] == "main"]
    return texts[:limit]


def with_shape(data: dict[str, Any], shape: str) -> dict[str, Any]:
    """The scenario data with its notification shape set to ``shape`` (a copy; the rest is shared)."""
    return {**data, "settings": {**(data.get("settings") or {}), "notification_shape": shape}}
