"""The panels beside the timeline: queue, drain, messages and task table, as plain rows and text.

Steps here are event indexes (0-based, as in ``snapshot``): step 0 is the start of
the session and the last step is ``len(trace.events) - 1``.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.notifications import check_text
from simulator.snapshot import Snapshot
from simulator.text import one_line
from simulator.trace import Trace

PREVIEW_CHARS = 160
BLOCK_CHARS = 600


def last_step(trace: Trace) -> int:
    return max(0, len(trace.events) - 1)


def clamp_step(trace: Trace, step: int) -> int:
    return max(0, min(int(step), last_step(trace)))


def drain_steps(trace: Trace) -> list[int]:
    """The step of every drain point, in order."""
    return [ev["seq"] for ev in trace.events if ev["kind"] == "drain"]


def next_drain_step(trace: Trace, step: int) -> int | None:
    """The first drain point after ``step``, or None."""
    return next((s for s in drain_steps(trace) if s > step), None)


def prev_drain_step(trace: Trace, step: int) -> int | None:
    """The last drain point before ``step``, or None."""
    return next((s for s in reversed(drain_steps(trace)) if s < step), None)


def latest_drain_step(trace: Trace, step: int) -> int | None:
    """The drain point at or before ``step`` (an inject step counts as its drain)."""
    return next((s for s in reversed(drain_steps(trace)) if s <= step), None)


def step_caption(snap: Snapshot) -> str:
    """``Step 12 of 24 · t = 0.6 s``."""
    return f"Step {snap.step} of {snap.total - 1} · t = {snap.t:.1f} s"


def queue_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Queue items as table rows, oldest first."""
    return [{"task": f"bg:{i['task_id']}", "status": i.get("status"),
             "exit code": i.get("exit_code"), "command": one_line(i.get("command", ""), 60),
             "result (preview)": one_line(i.get("result") or "", PREVIEW_CHARS)} for i in items]


def drain_panel(trace: Trace, step: int) -> dict[str, Any] | None:
    """The drain at or before ``step``: its step, time, queue before/after and injected text.

    ``current`` is True when ``step`` is the drain itself or the inject that follows it.
    Returns None before the first drain (and always in serial mode, which has none).
    """
    at = latest_drain_step(trace, step)
    if at is None:
        return None
    ev = trace.events[at]
    nxt = trace.events[at + 1] if at + 1 < len(trace.events) else None
    inject = nxt if nxt is not None and nxt["kind"] == "inject" else None
    current = step == at or (inject is not None and step == at + 1)
    return {"step": at, "t": ev["t"], "current": current,
            "before": queue_rows(ev.get("queue_before") or []),
            "after": queue_rows(ev.get("queue_after") or []),
            "delivered": list(ev.get("delivered") or []),
            "text": inject.get("text") if inject else None}


def task_rows(snap: Snapshot) -> list[dict[str, Any]]:
    """The task table as ``check_background`` would describe it at this step."""
    rows = []
    for t in snap.tasks:
        rows.append({"task": t["task_id"], "status": t.get("status"), "exit code": t.get("exit_code"),
                     "command": one_line(t.get("command", ""), 60),
                     "started (s)": t.get("started_t"), "finished (s)": t.get("finished_t"),
                     "delivered": bool(t.get("delivered"))})
    return rows


def check_output(snap: Snapshot) -> str:
    """What ``check_background()`` (no task id) would return at this step."""
    table = {t["task_id"]: {"status": "queued" if t.get("status") == "spawned" else t.get("status"),
                            "command": t.get("command", ""), "exit_code": t.get("exit_code"),
                            "result": t.get("preview")} for t in snap.tasks}
    return check_text(table)


def _compact_input(args: Any) -> str:
    if not isinstance(args, dict):
        return one_line(json.dumps(args, ensure_ascii=False), 120)
    parts = []
    for key, value in args.items():
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(one_line(value, 80))
        parts.append(f"{key}={text}")
    return ", ".join(parts)


def _result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        content = "\n".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content or "")


def _cut(text: str, limit: int = BLOCK_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"


def message_items(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages in compact form: ``{index, role, parts: [{kind, text, injected}]}``.

    Kinds: ``text``, ``tool_use`` (``name(args)``), ``tool_result`` (``-> result``),
    ``thinking`` and ``other``. ``injected`` marks blocks the loop added itself
    (the ``<background-results>`` text), not the user or the model.
    """
    out = []
    for i, m in enumerate(messages):
        parts = []
        injected = set(m.get("injected") or [])
        for j, b in enumerate(m.get("content") or []):
            kind = b.get("type")
            if kind == "text":
                part = {"kind": "text", "text": _cut(str(b.get("text", "")))}
            elif kind == "tool_use":
                part = {"kind": "tool_use", "text": f"{b.get('name')}({_compact_input(b.get('input'))})"}
            elif kind == "tool_result":
                mark = " (error)" if b.get("is_error") else ""
                part = {"kind": "tool_result", "text": f"-> result{mark}: {_cut(_result_text(b), 300)}"}
            elif kind in ("thinking", "redacted_thinking"):
                part = {"kind": "thinking", "text": _cut(str(b.get("thinking", "(redacted)")), 300)}
            else:
                part = {"kind": "other", "text": one_line(json.dumps(b, ensure_ascii=False), 200)}
            part["injected"] = j in injected
            parts.append(part)
        out.append({"index": i, "role": m.get("role", "user"), "parts": parts,
                    "injected": bool(injected)})
    return out


def main_status(snap: Snapshot, mode: str) -> str:
    """A few words on what the main thread is doing at this step."""
    ev = snap.main_event or {}
    if snap.phase == "tool" and ev.get("kind") == "tool_start" and ev.get("blocking"):
        return "blocked: a command runs on the main thread"
    return {"start": "starting", "drain": "draining the queue" if mode != "serial" else "between calls",
            "model": "waiting for the model's answer" if ev.get("kind") == "model_start" else "reading the answer",
            "deciding": "reading the model's answer", "tool": "running a quick tool",
            "waiting": "idle: waiting for a background result", "ending": "ending the session",
            "done": "done"}.get(snap.phase, snap.phase)
