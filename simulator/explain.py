"""One plain sentence per trace event, saying what happened and why it matters."""

from __future__ import annotations

from typing import Any


def _cmd(ev: dict[str, Any], limit: int = 50) -> str:
    command = str(ev.get("command") or "")
    return f"`{command[:limit]}{'…' if len(command) > limit else ''}`"


def _tool_input(ev: dict[str, Any]) -> str:
    args = ev.get("input") or {}
    if "command" in args:
        return _cmd(args)
    if "path" in args:
        return f"`{args['path']}`"
    if "task_id" in args:
        return f"task {args['task_id']}"
    return ""


def explain(trace: Any, ev: dict[str, Any]) -> str:
    """A one-sentence explanation of event ``ev`` for a learner."""
    kind = ev["kind"]
    mode = trace.meta.get("mode", "parallel")
    tid = ev.get("task_id", "")
    if kind == "session_start":
        return (f"The user's prompt opens the conversation; this run uses the {mode} harness"
                + (" (s07: every command blocks)." if mode == "serial" else " (s08: slow commands can go to the background)."))
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
        tool, what = ev.get("tool"), _tool_input(ev)
        if tool == "bash":
            return f"The main thread runs {what} itself and is blocked until it ends."
        if tool == "background_run" and ev.get("blocking"):
            return f"The serial harness has no background threads: {what} runs on the main thread, which is blocked until it ends."
        if tool == "background_run":
            return f"background_run hands {what} to the BackgroundManager instead of running it here."
        if tool == "check_background":
            return "check_background asks the BackgroundManager for the task table; it does not wait."
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
