"""A readable text timeline of a trace, one line per event (used by the command line)."""

from __future__ import annotations

from typing import Any

from .trace import Trace


def _flat(value: Any, limit: int = 70) -> str:
    """One printable line: whitespace runs collapsed, control characters replaced, cut at ``limit``."""
    text = " ".join(str(value).split())
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tool_call(name: str, args: Any) -> str:
    if not isinstance(args, dict) or not args:
        return f"{name}()"
    key = next((k for k in ("command", "path", "task_id") if k in args), next(iter(args)))
    return f"{name}({_flat(args[key], 50)})"


def event_detail(ev: dict[str, Any]) -> str:
    """A short, single-line description of one trace event."""
    kind = ev.get("kind")
    if kind == "session_start":
        return f"{ev.get('mode')} mode: {_flat(ev.get('prompt', ''), 60)}"
    if kind == "drain":
        got = ev.get("delivered") or []
        return (f"queue {len(ev.get('queue_before') or [])} -> {len(ev.get('queue_after') or [])}"
                + (f", delivered {', '.join(got)}" if got else ""))
    if kind == "inject":
        return f"<background-results> with {len(ev.get('task_ids') or [])} result(s)"
    if kind == "model_start":
        return f"call #{ev.get('call')} ({ev.get('message_count')} messages)"
    if kind == "model_end":
        blocks = ev.get("content") or []
        tools = [_tool_call(b.get("name", "?"), b.get("input")) for b in blocks if b.get("type") == "tool_use"]
        words = " ".join(b.get("text", "") for b in blocks if b.get("type") == "text")
        detail = ", ".join(tools) if tools else _flat(words, 60)
        mark = " (waiting turn)" if ev.get("synthetic") else ""
        return f"{ev.get('stop_reason')}{mark}: {detail}" if detail else f"{ev.get('stop_reason')}{mark}"
    if kind == "tool_start":
        blocking = " [blocks]" if ev.get("blocking") else ""
        return _tool_call(str(ev.get("tool")), ev.get("input")) + blocking
    if kind == "tool_end":
        return ("error: " if ev.get("is_error") else "") + _flat(ev.get("result", ""), 60)
    if kind == "spawn":
        return f"task {ev.get('task_id')}: {_flat(ev.get('command', ''), 50)}"
    if kind == "refused":
        return _flat(ev.get("reason", ""), 70)
    if kind == "check":
        return f"task {ev.get('task_id') or 'all'}"
    if kind == "kill":
        return f"task {ev.get('task_id')}: {ev.get('reason')}"
    if kind == "wait_start":
        return f"{len(ev.get('pending') or [])} task(s) running, up to {ev.get('limit_s')} s"
    if kind == "wait_end":
        return str(ev.get("reason"))
    if kind == "error":
        return _flat(ev.get("message", ""), 90)
    if kind == "session_end":
        return f"{ev.get('reason')}: {_flat(ev.get('message', ''), 70)}"
    if kind == "task_queued":
        return f"task {ev.get('task_id')} queued"
    if kind == "task_start":
        return f"task {ev.get('task_id')} attempt {ev.get('attempt', 1)}: {_flat(ev.get('command', ''), 50)}"
    if kind == "retry":
        return f"task {ev.get('task_id')} attempt {ev.get('attempt')}"
    if kind == "finish":
        code = ev.get("exit_code")
        return (f"task {ev.get('task_id')} {ev.get('status')}"
                + (f" (exit {code})" if code not in (None, 0) else "")
                + f" after {float(ev.get('duration_s') or 0):.2f} s: {_flat(ev.get('preview', ''), 40)}")
    if kind == "enqueue":
        return f"task {ev.get('task_id')} notification queued (depth {ev.get('queue_depth')})"
    return ""


def format_event(ev: dict[str, Any]) -> str:
    """``  12.345s  main          model_end      tool_use: background_run(sleep 5)``"""
    line = f"{float(ev.get('t', 0.0)):9.3f}s  {str(ev.get('lane', '')):<12}  {str(ev.get('kind', '')):<13}  " \
           f"{event_detail(ev)}"
    return line.rstrip()



def timeline_text(trace: Trace) -> str:
    """The whole trace as text."""
    return "\n".join(format_event(ev) for ev in trace.events)


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
