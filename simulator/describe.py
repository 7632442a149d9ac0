"""Words for trace events: one sentence for a learner, one short line for a log.

Every place that describes an event (the viewer's explanation, the text
timeline, the live page's status) takes its words from here.
"""

from __future__ import annotations

from typing import Any

from .i18n import _, ngettext
from .modes import PARALLEL, SERIAL
from .status_words import status_word
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
        return _("task {id}").format(id=args["task_id"])
    return ""


def _tool_call(name: str, args: Any) -> str:
    if not isinstance(args, dict) or not args:
        return f"{name}()"
    key = next((k for k in _TARGET_KEYS if k in args), next(iter(args)))
    return f"{name}({_flat(args[key], 50)})"


def _who(tid: str, names: dict[str, str] | None) -> str:
    return (names or {}).get(tid) or _("task {id}").format(id=tid)


def _end_words(ev: dict[str, Any]) -> str:
    """Why a run ended, in the reader's language (the trace keeps the English message)."""
    return {"end_turn": _("the model finished its turn and no background task is running"),
            "wait_timeout": _("the loop gave up waiting for the background tasks"),
            "stopped": _("it was stopped by the user"),
            "max_model_calls": _("it reached its limit of model calls"),
            "model_error": _("the model could not answer"),
            "max_tokens": _("the model ran out of output tokens")}.get(str(ev.get("reason")), one_line(ev.get("message", ""), 160))


def event_sentence(ev: dict[str, Any], mode: str = PARALLEL, names: dict[str, str] | None = None) -> str:
    """One plain sentence for a learner: what event ``ev`` did and why it matters.

    ``mode`` is the harness; ``names`` gives tasks a reader's name (``A (auth)``) instead of their id.
    """
    kind = ev["kind"]
    who = _who(str(ev.get("task_id", "")), names)
    if kind == "session_start":
        return (_("The user's request opens the conversation. This is the serial harness (s07): every command "
                  "runs on the main thread and holds it until it ends.") if mode == SERIAL else
                _("The user's request opens the conversation. This is the parallel harness (s08): a slow command can "
                  "go to a background task while the main thread goes on."))
    if kind == "drain":
        n = len(ev.get("delivered") or [])
        if n:
            return ngettext("Right before calling the model, the loop drains the queue: it takes {n} notification "
                            "out, under the queue's lock.",
                            "Right before calling the model, the loop drains the queue: it takes {n} notifications "
                            "out, under the queue's lock.", n).format(n=n)
        return _("Right before calling the model, the loop drains the queue. It is empty, so nothing is added to the "
                 "conversation.")
    if kind == "inject":
        n = len(ev.get("task_ids") or [])
        return ngettext("The loop adds a <background-results> block with {n} result to the conversation: the model "
                        "reads it in this very call.",
                        "The loop adds a <background-results> block with {n} results to the conversation: the model "
                        "reads them in this very call.", n).format(n=n)
    if kind == "model_start":
        n = int(ev.get("message_count") or 0)
        return ngettext("Model call {call} begins with {n} message. The main thread waits for the answer: this is "
                        "time spent in a model call.",
                        "Model call {call} begins with {n} messages. The main thread waits for the answer: this is "
                        "time spent in a model call.", n).format(call=ev.get("call"), n=n)
    if kind == "model_end":
        uses = [b for b in ev.get("content") or [] if isinstance(b, dict) and b.get("type") == "tool_use"]
        if ev.get("synthetic"):
            return _("The model has nothing to do until a background result arrives, so it ends its turn.")
        if uses:
            tools = ", ".join(str(b.get("name", "?")) for b in uses)
            return ngettext("The model answers with {n} tool call: {tools}.",
                            "The model answers with {n} tool calls: {tools}.", len(uses)).format(n=len(uses), tools=tools)
        return _("The model answers in words only and ends its turn.")
    if kind == "tool_start":
        tool, what = ev.get("tool"), _target_words(ev.get("input"))
        if tool == "bash":
            return _("The main thread runs {what} itself: it is blocked until the command ends.").format(what=what)
        if tool == "background_run" and ev.get("blocking"):
            return _("The serial harness has no background tasks: {what} runs on the main thread, which is blocked "
                     "until it ends.").format(what=what)
        if tool == "background_run":
            return _("background_run hands {what} to the background manager instead of running it here.").format(what=what)
        if tool == "check_background":
            return _("check_background asks the background manager how its tasks stand; it does not wait for them.")
        if ev.get("blocking"):
            return _("The main thread runs {tool} on {what} itself: it is blocked until it ends.").format(
                tool=tool, what=what or _("its input"))
        return _("The main thread runs {tool} on {what}: a quick tool, done in a moment.").format(tool=tool, what=what)
    if kind == "spawn":
        return _("The manager records {who} for {command} and starts it in the background. background_run returns "
                 "the task's id at once: it does not wait.").format(who=who, command=_cmd(ev))
    if kind == "refused":
        return _("The harness refuses this call: {reason}").format(reason=one_line(ev.get("reason", ""), 200))
    if kind == "check":
        return (_("check_background reports on {who} as it stands now.").format(who=who) if ev.get("task_id")
                else _("check_background reports on every task as it stands now."))
    if kind == "tool_end":
        if ev.get("is_error"):
            return _("{tool} returns an error; the model will read it as the tool's result.").format(tool=ev.get("tool"))
        if ev.get("tool") == "background_run" and str(ev.get("result", "")).startswith("Background task"):
            return _("background_run has returned the task's id; the main thread is free to go on.")
        return _("{tool} returns; its result goes into the conversation for the next model call.").format(
            tool=ev.get("tool"))
    if kind == "wait_start":
        n = len(ev.get("pending") or [])
        return ngettext("The model has ended its turn while {n} task still runs. The main thread is idle: free, with "
                        "nothing to do until a notification arrives.",
                        "The model has ended its turn while {n} tasks still run. The main thread is idle: free, with "
                        "nothing to do until a notification arrives.", n).format(n=n)
    if kind == "wait_end":
        return (_("A notification has arrived, so the loop stops idling and calls the model again.")
                if ev.get("reason") == "notification" else _("The wait ran out before any task finished."))
    if kind == "task_queued":
        return _("{who} waits for a free slot: as many tasks as the limit allows are running.").format(who=who)
    if kind == "task_start":
        attempt = int(ev.get("attempt", 1) or 1)
        return (_("{who} starts {command} again in the background (attempt {attempt}).").format(
            who=who, command=_cmd(ev), attempt=attempt) if attempt > 1 else
            _("{who} starts {command} in the background.").format(who=who, command=_cmd(ev)))
    if kind == "retry":
        return _("{who} ran out of time and starts again (attempt {attempt}).").format(who=who, attempt=ev.get("attempt"))
    if kind == "finish":
        status, code = ev.get("status"), ev.get("exit_code")
        if status == "completed":
            return _("{who} finishes successfully in the background; the main thread plays no part in it.").format(who=who)
        if status == "error":
            return (_("{who} fails with exit code {code}; its status says error, so the model cannot take it for a "
                      "success.").format(who=who, code=code) if code is not None else
                    _("{who} fails; its status says error.").format(who=who))
        if status == "timeout":
            return _("{who} reaches its time limit and is stopped, with every process it started.").format(who=who)
        if status == "killed":
            return _("{who} is stopped, with every process it started.").format(who=who)
        return _("{who} ends ({status}).").format(who=who, status=status_word(status))
    if kind == "enqueue":
        depth = int(ev.get("queue_depth") or 0)
        return ngettext("{who} takes the queue's lock and adds its notification ({depth} waiting). The model will see "
                        "it at the next drain, not now.",
                        "{who} takes the queue's lock and adds its notification ({depth} waiting). The model will see "
                        "it at the next drain, not now.", depth).format(who=who, depth=depth)
    if kind == "kill":
        return _("{who} is stopped, with every process it started.").format(who=who)
    if kind == "error":
        return _("The run stops: {message}").format(message=one_line(ev.get("message", ""), 200))
    if kind == "session_end":
        return _("The run ends at {t} s: {why}.").format(t=f"{float(ev['t']):.1f}", why=_end_words(ev))
    return _("Something happened that this version does not describe ({kind}).").format(kind=kind)


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
