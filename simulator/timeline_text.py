"""A readable text timeline of a trace, one line per event (used by the command line)."""

from __future__ import annotations

from typing import Any

from .trace import Trace


def _short(text: Any, limit: int = 70) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def event_detail(ev: dict[str, Any]) -> str:
    """A short description of one event's content."""
    kind = ev["kind"]
    if kind == "session_start":
        return f"prompt: {_short(ev.get('prompt'))}"
    if kind == "drain":
        before, after = len(ev.get("queue_before") or []), len(ev.get("queue_after") or [])
        return f"queue {before} -> {after}"
    if kind == "inject":
        return _short(ev.get("text", "").replace("<background-results>", "").replace("</background-results>", ""))
    if kind == "model_start":
        return f"call #{ev.get('call')} ({ev.get('message_count')} messages)"
    if kind == "model_end":
        uses = [b.get("name") for b in ev.get("content", []) if b.get("type") == "tool_use"]
        texts = " ".join(b.get("text", "") for b in ev.get("content", []) if b.get("type") == "text")
        tail = f" -> {', '.join(uses)}" if uses else ""
        return f"{ev.get('stop_reason')}{tail}: {_short(texts, 50)}"
    if kind == "tool_start":
        args = ev.get("input") or {}
        what = args.get("command") or args.get("path") or args.get("task_id") or ""
        return f"{ev.get('tool')} {_short(what, 50)}" + (" [blocks]" if ev.get("blocking") else "")
    if kind == "tool_end":
        return f"{ev.get('tool')} -> {_short(ev.get('result'), 50)}"
    if kind in ("spawn", "task_start"):
        return f"{ev.get('task_id')} {_short(ev.get('command'), 50)}"
    if kind == "finish":
        code = ev.get("exit_code")
        return f"{ev.get('status')}" + (f" (exit {code})" if code not in (None, 0) else "") + f": {_short(ev.get('preview'), 40)}"
    if kind == "enqueue":
        return f"queue depth {ev.get('queue_depth')}"
    if kind == "check":
        return _short(ev.get("result"), 60)
    if kind == "wait_start":
        return f"{len(ev.get('pending') or [])} task(s) still running"
    if kind in ("wait_end",):
        return str(ev.get("reason"))
    if kind in ("session_end", "error"):
        return _short(ev.get("message"), 90)
    if kind in ("kill", "retry", "task_queued", "refused"):
        return _short(ev.get("task_id") or ev.get("reason"), 70)
    return ""


def event_line(ev: dict[str, Any]) -> str:
    return f"{ev['t']:9.3f}s  {ev['lane']:<12} {ev['kind']:<13} {event_detail(ev)}"


def timeline_text(trace: Trace) -> str:
    """The whole trace as text."""
    return "\n".join(event_line(ev) for ev in trace.events)


def metrics_text(m: dict[str, Any]) -> str:
    """Metrics as aligned ``name: value`` lines."""
    lines = [
        f"wall time        {m['wall_s']:.2f} s",
        f"main busy        {m['main_busy_s']:.2f} s",
        f"main blocked     {m['main_blocked_s']:.2f} s",
        f"main idle        {m['main_idle_s']:.2f} s",
        f"utilisation      {m['utilisation'] * 100:.1f} %",
        f"model calls      {m['llm_calls']}",
        f"background tasks {m['tasks']}",
        f"delivery delay   max {m['delivery_delay_max_s']:.2f} s, mean {m['delivery_delay_mean_s']:.2f} s",
    ]
    return "\n".join(lines)
