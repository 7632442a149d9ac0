"""What a run cost the main thread: busy, blocked and idle time, model calls, delivery delays."""

from __future__ import annotations

from typing import Any

from .spans import arrows, spans
from .trace import Trace


def metrics(trace: Trace) -> dict[str, Any]:
    """Figures for one trace (seconds unless named otherwise).

    * ``wall_s``: from the first event to the last.
    * ``main_busy_s``: the main thread working (model calls, quick tools).
    * ``main_blocked_s``: a command holding the main thread (``bash``, or any command in serial mode).
    * ``main_idle_s``: the rest, mostly waiting for background results with nothing to do.
    * ``utilisation``: busy / wall.
    * ``delivery_delays``: per task, from its finish to the drain that delivered it.
    """
    wall = trace.duration
    busy = blocked = waiting = 0.0
    for s in spans(trace):
        if s["lane"] != "main":
            continue
        d = s["end"] - s["start"]
        if s["kind"] in ("model", "tool"):
            busy += d
        elif s["kind"] == "blocked":
            blocked += d
        elif s["kind"] == "waiting":
            waiting += d
    idle = max(0.0, wall - busy - blocked)
    delays = {a["task_id"]: round(a["to_t"] - a["from_t"], 6) for a in arrows(trace) if a["kind"] == "deliver"}
    kinds = [ev["kind"] for ev in trace.events]
    tools = [ev for ev in trace.events if ev["kind"] == "tool_start"]
    commands = sum(1 for ev in tools if ev.get("tool") in ("bash", "background_run"))
    end = trace.events[-1] if trace.events else {}
    return {
        "mode": trace.meta.get("mode"),
        "wall_s": round(wall, 6),
        "main_busy_s": round(busy, 6),
        "main_blocked_s": round(blocked, 6),
        "main_idle_s": round(idle, 6),
        "main_waiting_s": round(waiting, 6),
        "utilisation": round(busy / wall, 4) if wall else 0.0,
        "llm_calls": kinds.count("model_start"),
        "tool_calls": len(tools),
        "commands": commands,
        "tasks": kinds.count("spawn"),
        "drains": kinds.count("drain"),
        "injections": kinds.count("inject"),
        "delivery_delays": delays,
        "delivery_delay_max_s": max(delays.values()) if delays else 0.0,
        "delivery_delay_mean_s": round(sum(delays.values()) / len(delays), 6) if delays else 0.0,
        "end_reason": end.get("reason") if end.get("kind") == "session_end" else None,
    }
