"""What a run cost: the main thread's busy, blocked and idle time, model calls and tokens, delivery delays."""

from __future__ import annotations

from typing import Any

from .spans import arrows, spans
from .tokens import usage_of
from .trace import MAIN, Trace


def metrics(trace: Trace) -> dict[str, Any]:
    """Figures for one trace (seconds unless named otherwise).

    * ``wall_s``: from the first event to the last.
    * ``main_busy_s``: the main thread working (model calls, quick tools).
    * ``main_blocked_s``: a command holding the main thread (``bash``, or any command in serial mode).
    * ``main_idle_s``: the rest, mostly waiting for background results with nothing to do.
    * ``utilisation``: busy / wall.
    * ``delivery_delays``: per task, from its finish to the drain that delivered it.
    * ``llm_calls``, ``tool_calls``, ``commands``, ``tasks``, ``drains``, ``injections``: the main loop's.
    * ``agents``: sub-agents started; ``agent_llm_calls``: the model calls of all of them.
    * ``input_tokens``, ``output_tokens``, ``tokens``: every loop's calls together (the run's cost);
      ``tokens_estimated`` when any of them is an estimate; ``usage_by_lane``: calls and tokens per loop lane.
    * ``killed``, ``killed_by_model``: tasks that ended killed, and those the model stopped itself.
    * ``progress_notes``: progress batches reported; ``undelivered_results``: results that reached the
      queue but never the model (the loop returned without waiting).
    """
    wall = trace.duration
    busy = blocked = waiting = 0.0
    for s in spans(trace):
        if s["lane"] != MAIN:
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
    main = [ev for ev in trace.events if ev["lane"] == MAIN]
    kinds = [ev["kind"] for ev in main]
    tools = [ev for ev in main if ev["kind"] == "tool_start"]
    commands = sum(1 for ev in tools if ev.get("tool") in ("bash", "background_run"))
    end = trace.events[-1] if trace.events else {}
    cost = _usage(trace)
    agent_lanes = {lane["id"] for lane in trace.lanes if lane.get("kind") == "agent"}
    finishes = [ev for ev in trace.events if ev["kind"] == "finish"]
    by_model = {ev.get("task_id") for ev in trace.events if ev["kind"] == "kill" and ev.get("by") == "model"}
    killed = {ev["task_id"] for ev in finishes if ev.get("status") == "killed"}
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
        "agents": len(agent_lanes),
        "agent_llm_calls": sum(v["calls"] for lane, v in cost["by_lane"].items() if lane != MAIN),
        "input_tokens": cost["input_tokens"],
        "output_tokens": cost["output_tokens"],
        "tokens": cost["input_tokens"] + cost["output_tokens"],
        "tokens_estimated": cost["estimated"],
        "usage_by_lane": cost["by_lane"],
        "killed": len(killed),
        "killed_by_model": len(killed & by_model),
        "progress_notes": sum(1 for ev in trace.events if ev["kind"] == "progress"),
        "undelivered_results": len(end.get("undelivered") or []) if end.get("kind") == "session_end" else 0,
    }


def _usage(trace: Trace) -> dict[str, Any]:
    """Model calls and tokens of the whole run and of each loop lane."""
    by_lane: dict[str, dict[str, int]] = {}
    total_in = total_out = 0
    estimated = False
    for ev in trace.events:
        if ev["kind"] != "model_end":
            continue
        tokens_in, tokens_out, guessed = usage_of(ev)
        lane = by_lane.setdefault(ev["lane"], {"calls": 0, "input_tokens": 0, "output_tokens": 0})
        lane["calls"] += 1
        lane["input_tokens"] += tokens_in
        lane["output_tokens"] += tokens_out
        total_in, total_out, estimated = total_in + tokens_in, total_out + tokens_out, estimated or guessed
    return {"input_tokens": total_in, "output_tokens": total_out, "estimated": estimated, "by_lane": by_lane}
