"""Words for trace events: one sentence for a learner, one short line for a log.

Every place that describes an event (the viewer's explanation, the text
timeline, the live page's status) takes its words from here.
"""

from __future__ import annotations

from typing import Any

from .modes import PARALLEL, SERIAL
from .text import one_line

_TARGET_KEYS = ("command", "path", "task_id")


def _flat(value: Any, limit: int = 70) -> str:
    return one_line(value, limit, printable=True)


def target(args: Any) -> str:
    """What a tool call works on: its command, path or task id (or "")."""
    if not isinstance(args, dict):
        return ""
    return str(args.get("command") or args.get("path") or args.get("task_id") or "")


def _cmd(ev: dict[str, Any], limit: int = 50) -> str:
    command = str(ev.get("command") or "")
    return f"`{command[:limit]}{'…' if len(command) > limit else ''}`"


def _target_words(args: Any) -> str:
    args = args or {}
    if "command" in args:
        return _cmd(args)
    if "path" in args:
        return f"`{args['path']}`"
    if "task_id" in args:
        return f"task {args['task_id']}"
    return ""


def _tool_call(name: str, args: Any) -> str:
    if not isinstance(args, dict) or not args:
        return f"{name}()"
    key = next((k for k in _TARGET_KEYS if k in args), next(iter(args)))
    return f"{name}({_flat(args[key], 50)})"


def event_sentence(ev: dict[str, Any], mode: str = PARALLEL) -> str:
    """One plain sentence for a learner: what event ``ev`` did and why it matters (``mode``: the harness)."""
    kind = ev["kind"]
    tid = ev.get("task_id", "")
    if kind == "session_start":
        return (f"The user's prompt opens the conversation; this run uses the {mode} harness"
                + (" (s07: every command blocks)." if mode == SERIAL else " (s08: slow commands can go to the background)."))
    if kind == "drain":
        n = len(ev.get("delivered") or [])
        if n:
            return (f"Before calling the model, the loop drains the queue: {n} finished task"
                    f"{'s' if n != 1 else ''} will be reported to the model.")
        return "Before calling the model, the loop drains the notification queue; it is empty, so nothing is injected."
    if kind == "inject":
        n = len(ev.get("task_ids") or [])
        return (f"The loop adds a <background-results> block with {n} line{'s' if n != 1 else ''} to the conversation, "
                "so the model sees the results in this call.")
    if kind == "model_start":
        return f"Model call #{ev.get('call')} starts with {ev.get('message_count')} messages; the main thread waits for the answer."
    if kind == "model_end":
        uses = [b for b in ev.get("content", []) if b.get("type") == "tool_use"]
        if ev.get("synthetic"):
            return "The model has nothing to do until a background result arrives, so it ends its turn."
        if uses:
            names = ", ".join(b.get("name", "?") for b in uses)
            return f"The model answers with {len(uses)} tool call{'s' if len(uses) != 1 else ''} ({names})."
        return f"The model answers with text only and ends its turn (stop reason: {ev.get('stop_reason')})."
    if kind == "tool_start":
        tool, what = ev.get("tool"), _target_words(ev.get("input"))
        if tool == "bash":
            return f"The main thread runs {what} itself and is blocked until it ends."
        if tool == "background_run" and ev.get("blocking"):
            return f"The serial harness has no background threads: {what} runs on the main thread, which is blocked until it ends."
        if tool == "background_run":
            return f"background_run hands {what} to the BackgroundManager instead of running it here."
        if tool == "check_background":
            return "check_background asks the BackgroundManager for the task table; it does not wait."
        if ev.get("blocking"):
            return f"The main thread runs {tool} on {what or 'its input'} itself and is blocked until it ends."
        return f"The main thread runs {tool} on {what}; file tools are quick and block only briefly."
    if kind == "spawn":
        return f"Task {tid} is created for {_cmd(ev)} and a background thread takes it; the tool returns the id at once."
    if kind == "refused":
        return f"The harness refuses this call: {ev.get('reason')}"
    if kind == "check":
        return f"check_background reports {'task ' + str(ev['task_id']) if ev.get('task_id') else 'every task'} as it stands now."
    if kind == "tool_end":
        if ev.get("is_error"):
            return f"{ev.get('tool')} returns an error, which the model will read as its tool result."
        if ev.get("tool") == "background_run" and str(ev.get("result", "")).startswith("Background task"):
            return "background_run returns the task id immediately; the main thread is free to go on."
        return f"{ev.get('tool')} returns; its result goes into the tool-result message for the next model call."
    if kind == "wait_start":
        n = len(ev.get("pending") or [])
        return (f"The model has ended its turn but {n} task{'s are' if n != 1 else ' is'} still running, so the loop "
                "waits for the next notification instead of ending the session.")
    if kind == "wait_end":
        return ("A notification arrived, so the loop stops waiting and will call the model again."
                if ev.get("reason") == "notification" else "The wait limit ran out before any task finished.")
    if kind == "task_queued":
        return f"Task {tid} waits for a free slot: the concurrency limit is reached."
    if kind == "task_start":
        attempt = ev.get("attempt", 1)
        return f"Task {tid} starts {_cmd(ev)} in a background thread" + (f" (attempt {attempt})." if attempt > 1 else ".")
    if kind == "retry":
        return f"Task {tid} timed out and is started again (attempt {ev.get('attempt')})."
    if kind == "finish":
        status, code = ev.get("status"), ev.get("exit_code")
        if status == "completed":
            return f"Task {tid} finishes successfully (exit 0) in its background thread; the main thread is not involved."
        if status == "error":
            return f"Task {tid} fails with exit code {code}; the status says error so the model cannot mistake it for success."
        if status == "timeout":
            return f"Task {tid} hits its time limit; its whole process group is killed."
        return f"Task {tid} ends with status {status}."
    if kind == "enqueue":
        depth = ev.get("queue_depth")
        return (f"Task {tid} puts its notification in the queue ({depth} waiting); "
                "it will be delivered at the next drain, not now.")
    if kind == "kill":
        return f"Task {tid} is killed ({ev.get('reason', 'on request')}), together with its whole process group."
    if kind == "error":
        return f"The run stops: {ev.get('message')}"
    if kind == "session_end":
        return f"The session ends at {ev['t']:.1f} s: {ev.get('message', '')}"
    return kind


def event_summary(ev: dict[str, Any]) -> str:
    """A short, single-line description of one trace event (for logs and the text timeline)."""
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
        limit = f", up to {ev.get('limit_s')} s" if ev.get("limit_s") is not None else ""
        return f"{len(ev.get('pending') or [])} task(s) running{limit}"
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def task_counts(events: list[dict[str, Any]]) -> dict[str, int]:
    """How many background tasks were started, and how many are queued, running and finished."""
    status: dict[str, str] = {}
    for ev in events:
        kind = ev["kind"]
        if kind == "spawn":
            status.setdefault(ev["task_id"], "spawned")
        elif kind == "task_queued":
            status[ev["task_id"]] = "queued"
        elif kind in ("task_start", "retry"):
            status[ev["task_id"]] = "running"
        elif kind == "finish":
            status[ev["task_id"]] = "finished"
    values = list(status.values())
    return {"started": len(values), "queued": values.count("queued") + values.count("spawned"),
            "running": values.count("running"), "finished": values.count("finished")}


def activity(last: dict[str, Any] | None, counts: dict[str, int]) -> str:
    """What a running loop is doing, from its latest main-lane event (for a live run's status line)."""
    kind = last["kind"] if last else None
    if kind is None or kind == "session_start":
        text = "Starting the session…"
    elif kind == "model_start":
        text = f"Model call #{last.get('call')}: waiting for the answer…"
    elif kind == "model_end":
        text = "Reading the model's answer…"
    elif kind == "tool_start":
        what = target(last.get("input"))
        detail = f" ({one_line(what, 60)})" if what else ""
        text = (f"Running {last.get('tool')}{detail} on the main thread: the loop is blocked until it ends…"
                if last.get("blocking") else f"Running tool {last.get('tool')}{detail}…")
    elif kind == "wait_start":
        pending = counts["running"] + counts["queued"]
        text = f"Waiting for {_plural(pending, 'background task')} (the model has ended its turn)…"
    elif kind in ("wait_end", "drain", "inject"):
        text = "Draining the notification queue before the next model call…"
    elif kind in ("error", "session_end"):
        text = "Ending the session…"
    else:
        text = "Running the model's tool calls…"
    if counts["running"] and kind != "wait_start":
        text += f" · {_plural(counts['running'], 'background task')} running"
    return text


def run_status(events: list[dict[str, Any]], duration: float, state: str, *, message: str | None = None,
               error: str | None = None, time_limit_s: float | None = None) -> str:
    """One line on what a live run is doing now (``state`` running or stopping), or how it ended."""
    if state == "error":
        return f"Error: {error or message or 'the run failed'}"
    if state == "stopped":
        why = (f"it reached its time limit of {time_limit_s:g} s" if time_limit_s is not None
               else "you pressed Stop")
        return f"Stopped ({why}) after {duration:.1f} s; every task it started was killed."
    if state == "done":
        return f"Done in {duration:.1f} s: {message or 'the run ended.'}"
    last = next((ev for ev in reversed(events) if ev["lane"] == "main"), None)
    if state == "stopping":
        if last is not None and last["kind"] == "model_start":
            return (f"Stopping: its tasks were killed; waiting for model call #{last.get('call')} to return "
                    "(a request in flight cannot be cut short).")
        return "Stopping: killing every task this run started…"
    return activity(last, task_counts(events))
