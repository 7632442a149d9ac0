"""Finding the steps a lesson points at: the first drain that delivers, the first blocking call...

Each finder reads a trace and returns an event's index (its step); none is hard-coded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.spans import spans
from simulator.trace import Trace


def first(trace: Trace, kind: str, after: int = -1, where: Callable[[dict[str, Any]], bool] | None = None) -> int:
    """The step of the first ``kind`` event after ``after`` matching ``where``; ValueError if none."""
    for ev in trace.events[after + 1:]:
        if ev["kind"] == kind and (where is None or where(ev)):
            return ev["seq"]
    raise ValueError(f"{trace.meta.get('scenario')}: no {kind} event after step {after}")


def first_injecting_drain(trace: Trace, after: int = -1) -> int:
    """The first drain (after ``after``) that delivers at least one result."""
    return first(trace, "drain", after, lambda ev: bool(ev.get("delivered")))


def tool_start(trace: Trace, tool: str, after: int = -1) -> int:
    """The first call of ``tool`` (its ``tool_start``)."""
    return first(trace, "tool_start", after, lambda ev: ev.get("tool") == tool)


def blocking_start(trace: Trace, after: int = -1) -> int:
    """The first tool call that holds the main thread."""
    return first(trace, "tool_start", after, lambda ev: bool(ev.get("blocking")))


def tool_end_of(trace: Trace, start: int) -> int:
    """The ``tool_end`` of the tool call that began at step ``start``."""
    tool_use_id = trace.events[start].get("tool_use_id")
    return first(trace, "tool_end", start, lambda ev: ev.get("tool_use_id") == tool_use_id)


def commands(trace: Trace) -> dict[str, str]:
    """Task id -> command, for every task started."""
    return {ev["task_id"]: ev.get("command", "") for ev in trace.events if ev["kind"] == "spawn"}


def main_span_at(trace: Trace, t: float) -> dict[str, Any] | None:
    """What the main thread was doing at ``t`` seconds."""
    return next((s for s in spans(trace) if s["lane"] == "main" and s["start"] <= t < s["end"]), None)


def model_call_at(trace: Trace, t: float) -> int | None:
    """The number of the model call running at ``t`` seconds, or None."""
    s = main_span_at(trace, t)
    return int(trace.events[s["seq"]].get("call") or 0) if s and s["kind"] == "model" else None


def next_model_call(trace: Trace, after: int) -> int:
    """The number of the first model call after step ``after``."""
    return int(trace.events[first(trace, "model_start", after)].get("call") or 0)


def secs(x: float) -> str:
    """Seconds as a learner reads them: ``61.2``."""
    return f"{x:.1f}"
