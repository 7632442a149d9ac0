"""Words for trace events: one sentence for a learner, one short line for a log.

Every place that describes an event (the viewer's explanation, the text
timeline, the live page's status) takes its words from here. They are written in
English and translated through ``simulator.i18n`` in the reader's language; the
event fields they quote (commands, results, messages) stay as the run recorded them.
"""

from __future__ import annotations

from typing import Any

from .i18n import _, ngettext
from .modes import PARALLEL, SERIAL
from .text import one_line

_TARGET_KEYS = ("command", "path", "task_id", "name")


def _flat(value: Any, limit: int = 70) -> str:
    return one_line(value, limit, printable=True)


def target(args: Any) -> str:
    """What a tool call works on: its command, path, task id or sub-agent name (or "")."""
    if not isinstance(args, dict):
        return ""
    return str(args.get("command") or args.get("path") or args.get("task_id") or args.get("name") or "")


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
        return _("task {task_id}").format(task_id=args["task_id"])
    if "name" in args:
        return _("sub-agent {name}").format(name=_flat(args["name"], 40))
    return ""


def _tool_call(name: str, args: Any) -> str:
    if not isinstance(args, dict) or not args:
        return f"{name}()"
    key = next((k for k in _TARGET_KEYS if k in args), next(iter(args)))
    return f"{name}({_flat(args[key], 50)})"


# -- one sentence for a learner ----------------------------------------------------------------------
def event_sentence(ev: dict[str, Any], mode: str = PARALLEL) -> str:
    """One plain sentence for a learner: what event ``ev`` did and why it matters (``mode``: the harness)."""
    if ev.get("lane", "main") != "main" and ev["kind"] in _LOOP_KINDS:
        return _("On its own lane, a sub-agent's loop: {what}").format(what=_loop_sentence(ev, mode))
    if ev["kind"] in _LOOP_KINDS:
        return _loop_sentence(ev, mode)
    return _task_sentence(ev)


_LOOP_KINDS = frozenset({"session_start", "drain", "inject", "model_start", "model_end", "tool_start", "spawn",
                         "refused", "check", "tool_end", "wait_start", "wait_end", "kill", "error", "session_end"})


def _loop_sentence(ev: dict[str, Any], mode: str) -> str:
    kind = ev["kind"]
    if kind == "session_start":
        if mode == SERIAL:
            return _("The user's prompt opens the conversation; this run uses the {mode} harness "
                     "(s07: every command blocks).").format(mode=mode)
        return _("The user's prompt opens the conversation; this run uses the {mode} harness "
                 "(s08: slow commands can go to the background).").format(mode=mode)
    if kind in ("drain", "inject"):
        return _drain_sentence(ev)
    if kind == "model_start":
        return _("Model call #{call} starts with {count} messages; the main thread waits for the answer.").format(
            call=ev.get("call"), count=ev.get("message_count"))
    if kind == "model_end":
        return _model_end_sentence(ev)
    if kind in ("tool_start", "tool_end"):
        return _tool_sentence(ev)
    if kind == "spawn":
        if ev.get("agent"):
            return _("Task {task_id} is created for sub-agent {name}: a loop of its own, with its own model, "
                     "starts on its own lane; the tool returns the id at once.").format(
                task_id=ev.get("task_id", ""), name=_flat(ev["agent"], 40))
        if ev.get("progress"):
            return _("Task {task_id} is created for {command} and a background thread takes it; lines of its "
                     "output that contain “{pattern}” will be reported while it runs.").format(
                task_id=ev.get("task_id", ""), command=_cmd(ev), pattern=_flat(ev["progress"], 60))
        return _("Task {task_id} is created for {command} and a background thread takes it; the tool returns the "
                 "id at once.").format(task_id=ev.get("task_id", ""), command=_cmd(ev))
    if kind == "refused":
        return _("The harness refuses this call: {reason}").format(reason=ev.get("reason"))
    if kind == "check":
        if ev.get("task_id"):
            return _("check_background reports task {task_id} as it stands now.").format(task_id=ev["task_id"])
        return _("check_background reports every task as it stands now.")
    if kind in ("wait_start", "wait_end"):
        return _wait_sentence(ev)
    if kind == "kill":
        if ev.get("by") == "model":
            return _("The model asked to stop task {task_id} (kill_background): it is killed, together with "
                     "everything it started.").format(task_id=ev.get("task_id", ""))
        return _("Task {task_id} is killed ({reason}), together with its whole process group.").format(
            task_id=ev.get("task_id", ""), reason=ev.get("reason") or _("on request"))
    if kind == "error":
        return _("The run stops: {message}").format(message=ev.get("message"))
    return _session_end_sentence(ev)


def _drain_sentence(ev: dict[str, Any]) -> str:
    if ev["kind"] == "drain":
        n = len(ev.get("delivered") or [])
        p = len(ev.get("progress") or [])
        if n and p:
            return ngettext("Before calling the model, the loop drains the queue: {n} finished task and progress "
                            "lines of {p} running ones will be reported to the model.",
                            "Before calling the model, the loop drains the queue: {n} finished tasks and progress "
                            "lines of {p} running ones will be reported to the model.", n).format(n=n, p=p)
        if n:
            return ngettext("Before calling the model, the loop drains the queue: {n} finished task will be "
                            "reported to the model.",
                            "Before calling the model, the loop drains the queue: {n} finished tasks will be "
                            "reported to the model.", n).format(n=n)
        if p:
            return ngettext("Before calling the model, the loop drains the queue: progress lines of {p} running "
                            "task will be reported to the model.",
                            "Before calling the model, the loop drains the queue: progress lines of {p} running "
                            "tasks will be reported to the model.", p).format(p=p)
        return _("Before calling the model, the loop drains the notification queue; it is empty, so nothing is "
                 "injected.")
    n = len(ev.get("task_ids") or []) + len(ev.get("progress_ids") or [])
    if str(ev.get("text", "")).startswith("<task-notification>"):
        return ngettext("The loop adds {n} <task-notification> element to the conversation (task id, status, "
                        "output file, one-line summary), so the model sees it in this call.",
                        "The loop adds {n} <task-notification> elements to the conversation (task id, status, "
                        "output file, one-line summary), so the model sees them in this call.", n).format(n=n)
    return ngettext("The loop adds a <background-results> block with {n} line to the conversation, so the model "
                    "sees the results in this call.",
                    "The loop adds a <background-results> block with {n} lines to the conversation, so the model "
                    "sees the results in this call.", n).format(n=n)


def _model_end_sentence(ev: dict[str, Any]) -> str:
    uses = [b for b in ev.get("content", []) if b.get("type") == "tool_use"]
    if ev.get("synthetic"):
        return _("The model has nothing to do until a background result arrives, so it ends its turn.")
    if uses:
        names = ", ".join(b.get("name", "?") for b in uses)
        return ngettext("The model answers with {n} tool call ({names}).",
                        "The model answers with {n} tool calls ({names}).", len(uses)).format(n=len(uses), names=names)
    return _("The model answers with text only and ends its turn (stop reason: {reason}).").format(
        reason=ev.get("stop_reason"))


def _tool_sentence(ev: dict[str, Any]) -> str:
    tool = ev.get("tool")
    if ev["kind"] == "tool_end":
        if ev.get("is_error"):
            return _("{tool} returns an error, which the model will read as its tool result.").format(tool=tool)
        if tool in ("background_run", "background_agent") and str(ev.get("result", "")).startswith("Background "):
            return _("{tool} returns the task id immediately; the main thread is free to go on.").format(tool=tool)
        return _("{tool} returns; its result goes into the tool-result message for the next model call.").format(
            tool=tool)
    what = _target_words(ev.get("input"))
    if tool == "bash":
        return _("The main thread runs {what} itself and is blocked until it ends.").format(what=what)
    if tool in ("background_run", "background_agent") and ev.get("blocking"):
        return _("The serial harness has no background threads: {what} runs on the main thread, which is blocked "
                 "until it ends.").format(what=what)
    if tool == "background_run":
        return _("background_run hands {what} to the BackgroundManager instead of running it here.").format(what=what)
    if tool == "background_agent":
        return _("background_agent hands {what} to the BackgroundManager: it will run a loop of its own in the "
                 "background.").format(what=what)
    if tool == "check_background":
        return _("check_background asks the BackgroundManager for the task table; it does not wait.")
    if tool == "kill_background":
        return _("kill_background asks the BackgroundManager to stop {what}.").format(what=what)
    return _("The main thread runs {tool} on {what}; file tools are quick and block only briefly.").format(
        tool=tool, what=what)


def _wait_sentence(ev: dict[str, Any]) -> str:
    if ev["kind"] == "wait_start":
        n = len(ev.get("pending") or [])
        return ngettext("The model has ended its turn but {n} task is still running, so the loop waits for the next "
                        "notification instead of ending the session.",
                        "The model has ended its turn but {n} tasks are still running, so the loop waits for the "
                        "next notification instead of ending the session.", n).format(n=n)
    if ev.get("reason") == "notification":
        return _("A notification arrived, so the loop stops waiting and will call the model again.")
    return _("The wait limit ran out before any task finished.")


def _session_end_sentence(ev: dict[str, Any]) -> str:
    lost = len(ev.get("undelivered") or [])
    if lost:
        return ngettext("The session ends at {t} s, but {n} result never reached the model: the loop returned when "
                        "the model ended its turn, without waiting (the known bug).",
                        "The session ends at {t} s, but {n} results never reached the model: the loop returned when "
                        "the model ended its turn, without waiting (the known bug).", lost).format(
            t=f"{ev['t']:.1f}", n=lost)
    return _("The session ends at {t} s: {message}").format(t=f"{ev['t']:.1f}", message=ev.get("message", ""))


def _task_sentence(ev: dict[str, Any]) -> str:
    kind, tid = ev["kind"], ev.get("task_id", "")
    if kind == "task_queued":
        return _("Task {task_id} waits for a free slot: the concurrency limit is reached.").format(task_id=tid)
    if kind == "task_start":
        attempt = ev.get("attempt", 1)
        if ev.get("msg") is not None:
            return _("Sub-agent task {task_id} starts: its task becomes the first message of a conversation of its "
                     "own.").format(task_id=tid)
        if attempt > 1:
            return _("Task {task_id} starts {command} in a background thread (attempt {attempt}).").format(
                task_id=tid, command=_cmd(ev), attempt=attempt)
        return _("Task {task_id} starts {command} in a background thread.").format(task_id=tid, command=_cmd(ev))
    if kind == "retry":
        if ev.get("reason") == "error":
            return _("Task {task_id} failed with exit code {code} and is started again (attempt {attempt}).").format(
                task_id=tid, code=ev.get("exit_code"), attempt=ev.get("attempt"))
        return _("Task {task_id} timed out and is started again (attempt {attempt}).").format(
            task_id=tid, attempt=ev.get("attempt"))
    if kind == "finish":
        return _finish_sentence(ev)
    if kind == "enqueue":
        return _("Task {task_id} puts its notification in the queue ({depth} waiting); it will be delivered at the "
                 "next drain, not now.").format(task_id=tid, depth=ev.get("queue_depth"))
    if kind == "progress":
        shown = len(ev.get("lines") or [])
        more = int(ev.get("more") or 0)
        if more:
            return ngettext("Task {task_id} is still running and reports {n} new matching line (and {more} more "
                            "it counts but does not show); it waits in the queue as one progress notification.",
                            "Task {task_id} is still running and reports {n} new matching lines (and {more} more "
                            "it counts but does not show); they wait in the queue as one progress notification.",
                            shown).format(task_id=tid, n=shown, more=more)
        return ngettext("Task {task_id} is still running and reports {n} new matching line; it waits in the queue "
                        "as a progress notification.",
                        "Task {task_id} is still running and reports {n} new matching lines; they wait in the queue "
                        "as one progress notification.", shown).format(task_id=tid, n=shown)
    return kind


def _finish_sentence(ev: dict[str, Any]) -> str:
    tid, status, code = ev.get("task_id", ""), ev.get("status"), ev.get("exit_code")
    if status == "completed":
        return _("Task {task_id} finishes successfully (exit 0) in its background thread; the main thread is not "
                 "involved.").format(task_id=tid)
    if status == "error":
        return _("Task {task_id} fails with exit code {code}; the status says error so the model cannot mistake it "
                 "for success.").format(task_id=tid, code=code)
    if status == "timeout":
        return _("Task {task_id} hits its time limit; its whole process group is killed.").format(task_id=tid)
    if status == "killed":
        return _("Task {task_id} ends killed: its result says so, and it still goes through the queue.").format(
            task_id=tid)
    return _("Task {task_id} ends with status {status}.").format(task_id=tid, status=status)


# -- one short line for a log --------------------------------------------------------------------------
def event_summary(ev: dict[str, Any]) -> str:
    """A short, single-line description of one trace event (for logs and the text timeline)."""
    kind = ev.get("kind")
    if kind == "session_start":
        return _("{mode} mode: {prompt}").format(mode=ev.get("mode"), prompt=_flat(ev.get("prompt", ""), 60))
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
        return _tool_call(str(ev.get("tool")), ev.get("input")) + (_(" [blocks]") if ev.get("blocking") else "")
    if kind == "tool_end":
        return (_("error: ") if ev.get("is_error") else "") + _flat(ev.get("result", ""), 60)
    if kind == "spawn":
        what = _("sub-agent {name}").format(name=_flat(ev["agent"], 30)) if ev.get("agent") \
            else _flat(ev.get("command", ""), 50)
        return _("task {task_id}: {what}").format(task_id=ev.get("task_id"), what=what)
    if kind == "refused":
        return _flat(ev.get("reason", ""), 70)
    if kind == "check":
        return _("task {task_id}").format(task_id=ev.get("task_id") or _("all"))
    if kind == "kill":
        return _("task {task_id}: {reason}").format(task_id=ev.get("task_id"), reason=ev.get("reason"))
    if kind == "wait_start":
        n = len(ev.get("pending") or [])
        return ngettext("{n} task running, up to {limit} s", "{n} tasks running, up to {limit} s", n).format(
            n=n, limit=ev.get("limit_s"))
    if kind == "wait_end":
        return str(ev.get("reason"))
    if kind == "error":
        return _flat(ev.get("message", ""), 90)
    if kind == "session_end":
        return f"{ev.get('reason')}: {_flat(ev.get('message', ''), 70)}"
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
    tools = [_tool_call(b.get("name", "?"), b.get("input")) for b in blocks if b.get("type") == "tool_use"]
    words = " ".join(b.get("text", "") for b in blocks if b.get("type") == "text")
    detail = ", ".join(tools) if tools else _flat(words, 60)
    mark = _(" (waiting turn)") if ev.get("synthetic") else ""
    return f"{ev.get('stop_reason')}{mark}: {detail}" if detail else f"{ev.get('stop_reason')}{mark}"


def _task_summary(ev: dict[str, Any]) -> str:
    kind, tid = ev.get("kind"), ev.get("task_id")
    if kind == "task_queued":
        return _("task {task_id} queued").format(task_id=tid)
    if kind == "task_start":
        return _("task {task_id} attempt {attempt}: {command}").format(
            task_id=tid, attempt=ev.get("attempt", 1), command=_flat(ev.get("command", ""), 50))
    if kind == "retry":
        why = _(" after exit {code}").format(code=ev.get("exit_code")) if ev.get("reason") == "error" else ""
        return _("task {task_id} attempt {attempt}").format(task_id=tid, attempt=ev.get("attempt")) + why
    if kind == "finish":
        code = ev.get("exit_code")
        status = str(ev.get("status")) + (f" (exit {code})" if code not in (None, 0) else "")
        return _("task {task_id} {status} after {seconds} s: {preview}").format(
            task_id=tid, status=status, seconds=f"{float(ev.get('duration_s') or 0):.2f}",
            preview=_flat(ev.get("preview", ""), 40))
    if kind == "enqueue":
        return _("task {task_id} notification queued (depth {depth})").format(task_id=tid, depth=ev.get("queue_depth"))
    if kind == "progress":
        return _("task {task_id} progress: {text}").format(task_id=tid, text=_flat(ev.get("text", ""), 60))
    return ""


# -- a live run's status line ---------------------------------------------------------------------------
def _tasks(n: int) -> str:
    return ngettext("{n} background task", "{n} background tasks", n).format(n=n)


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
        text = _("Starting the session…")
    elif kind == "model_start":
        text = _("Model call #{call}: waiting for the answer…").format(call=last.get("call"))
    elif kind == "model_end":
        text = _("Reading the model's answer…")
    elif kind == "tool_start":
        what = target(last.get("input"))
        detail = f" ({one_line(what, 60)})" if what else ""
        text = (_("Running {tool}{detail} on the main thread: the loop is blocked until it ends…")
                if last.get("blocking") else _("Running tool {tool}{detail}…")).format(tool=last.get("tool"),
                                                                                        detail=detail)
    elif kind == "wait_start":
        text = _("Waiting for {tasks} (the model has ended its turn)…").format(
            tasks=_tasks(counts["running"] + counts["queued"]))
    elif kind in ("wait_end", "drain", "inject"):
        text = _("Draining the notification queue before the next model call…")
    elif kind in ("error", "session_end"):
        text = _("Ending the session…")
    else:
        text = _("Running the model's tool calls…")
    if counts["running"] and kind != "wait_start":
        text += _(" · {tasks} running").format(tasks=_tasks(counts["running"]))
    return text


def run_status(events: list[dict[str, Any]], duration: float, state: str, *, message: str | None = None,
               error: str | None = None, time_limit_s: float | None = None) -> str:
    """One line on what a live run is doing now (``state`` running or stopping), or how it ended."""
    if state == "error":
        return _("Error: {problem}").format(problem=error or message or _("the run failed"))
    if state == "stopped":
        why = (_("it reached its time limit of {limit} s").format(limit=f"{time_limit_s:g}")
               if time_limit_s is not None else _("you pressed Stop"))
        return _("Stopped ({why}) after {seconds} s; every task it started was killed.").format(
            why=why, seconds=f"{duration:.1f}")
    if state == "done":
        return _("Done in {seconds} s: {message}").format(seconds=f"{duration:.1f}",
                                                          message=message or _("the run ended."))
    last = next((ev for ev in reversed(events) if ev["lane"] == "main"), None)
    if state == "stopping":
        if last is not None and last["kind"] == "model_start":
            return _("Stopping: its tasks were killed; waiting for model call #{call} to return (a request in flight "
                     "cannot be cut short).").format(call=last.get("call"))
        return _("Stopping: killing every task this run started…")
    return activity(last, task_counts(events))
