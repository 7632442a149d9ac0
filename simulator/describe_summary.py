"""One short line per trace event, for logs and the text timeline."""

from __future__ import annotations

from typing import Any

from .describe_words import flat, tool_call
from .i18n import _, ngettext


def event_summary(ev: dict[str, Any]) -> str:
    """A short, single-line description of one trace event (for logs and the text timeline)."""
    kind = ev.get("kind")
    if kind == "session_start":
        return _("{mode} mode: {prompt}").format(mode=ev.get("mode"), prompt=flat(ev.get("prompt", ""), 60))
    if kind == "drain":
        return _drain_summary(ev)
    if kind == "inject":
        n = len(ev.get("task_ids") or []) + len(ev.get("progress_ids") or [])
        tag = "<task-notification>" if str(ev.get("text", "")).startswith("<task-notification>") \
            else "<background-results>"
        return ngettext("{tag} with {n} item", "{tag} with {n} items", n).format(tag=tag, n=n)
    if kind == "model_start":
        return _("call #{call} ({count} messages)").format(call=ev.get("call"), count=ev.get("message_count"))
    if kind == "model_end":
        return _model_end_summary(ev)
    if kind == "tool_start":
        return tool_call(str(ev.get("tool")), ev.get("input")) + (_(" [blocks]") if ev.get("blocking") else "")
    if kind == "tool_end":
        return (_("error: ") if ev.get("is_error") else "") + flat(ev.get("result", ""), 60)
    if kind == "spawn":
        what = _("sub-agent {name}").format(name=flat(ev["agent"], 30)) if ev.get("agent") \
            else flat(ev.get("command", ""), 50)
        return _("task {task_id}: {what}").format(task_id=ev.get("task_id"), what=what)
    if kind == "refused":
        return flat(ev.get("reason", ""), 70)
    if kind == "check":
        return _("task {task_id}").format(task_id=ev.get("task_id") or _("all"))
    if kind == "kill":
        return _("task {task_id}: {reason}").format(task_id=ev.get("task_id"), reason=ev.get("reason"))
    if kind == "wait_start":
        n = len(ev.get("pending") or [])
        if ev.get("limit_s") is None:
            return ngettext("{n} task running", "{n} tasks running", n).format(n=n)
        return ngettext("{n} task running, up to {limit} s", "{n} tasks running, up to {limit} s", n).format(
            n=n, limit=ev.get("limit_s"))
    if kind == "wait_end":
        return str(ev.get("reason"))
    if kind == "error":
        return flat(ev.get("message", ""), 90)
    if kind == "session_end":
        return f"{ev.get('reason')}: {flat(ev.get('message', ''), 70)}"
    return _task_summary(ev)


def _drain_summary(ev: dict[str, Any]) -> str:
    got = ev.get("delivered") or []
    progress = ev.get("progress") or []
    text = _("queue {before} -> {after}").format(before=len(ev.get("queue_before") or []),
                                                 after=len(ev.get("queue_after") or []))
    if got:
        text += _(", delivered {tasks}").format(tasks=", ".join(got))
    if progress:
        text += _(", progress of {tasks}").format(tasks=", ".join(progress))
    return text


def _model_end_summary(ev: dict[str, Any]) -> str:
    blocks = ev.get("content") or []
    tools = [tool_call(b.get("name", "?"), b.get("input")) for b in blocks if b.get("type") == "tool_use"]
    words = " ".join(b.get("text", "") for b in blocks if b.get("type") == "text")
    detail = ", ".join(tools) if tools else flat(words, 60)
    mark = _(" (waiting turn)") if ev.get("synthetic") else ""
    return f"{ev.get('stop_reason')}{mark}: {detail}" if detail else f"{ev.get('stop_reason')}{mark}"


def _task_summary(ev: dict[str, Any]) -> str:
    kind, tid = ev.get("kind"), ev.get("task_id")
    if kind == "task_queued":
        return _("task {task_id} queued").format(task_id=tid)
    if kind == "task_start":
        return _("task {task_id} attempt {attempt}: {command}").format(
            task_id=tid, attempt=ev.get("attempt", 1), command=flat(ev.get("command", ""), 50))
    if kind == "retry":
        why = _(" after exit {code}").format(code=ev.get("exit_code")) if ev.get("reason") == "error" else ""
        return _("task {task_id} attempt {attempt}").format(task_id=tid, attempt=ev.get("attempt")) + why
    if kind == "finish":
        code = ev.get("exit_code")
        status = str(ev.get("status")) + (f" (exit {code})" if code not in (None, 0) else "")
        return _("task {task_id} {status} after {seconds} s: {preview}").format(
            task_id=tid, status=status, seconds=f"{float(ev.get('duration_s') or 0):.2f}",
            preview=flat(ev.get("preview", ""), 40))
    if kind == "enqueue":
        return _("task {task_id} notification queued (depth {depth})").format(task_id=tid, depth=ev.get("queue_depth"))
    if kind == "progress":
        return _("task {task_id} progress: {text}").format(task_id=tid, text=flat(ev.get("text", ""), 60))
    return ""
