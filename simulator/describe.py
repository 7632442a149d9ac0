"""Words for trace events: one sentence for a learner, one short line for a log.

Every place that describes an event (the viewer's explanation, the text
timeline, the live page's status) takes its words from here.
"""

from __future__ import annotations

from typing import Any

from .describe_agents import AGENT_LOOP_KINDS, agent_sentence
from .describe_status import activity, run_status, task_counts
from .describe_summary import event_summary
from .describe_tasks import inject_sentence, progress_drain_sentence, progress_sentence, spawn_sentence
from .describe_words import cmd, target, target_words, task_name
from .i18n import _, ngettext
from .modes import PARALLEL, SERIAL
from .status_words import status_word
from .text import one_line
from .trace import MAIN


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
    if ev.get("lane", MAIN) != MAIN and kind in AGENT_LOOP_KINDS:
        return agent_sentence(ev, task_name(str(ev["lane"]).removeprefix("bg:"), names), names)
    who = task_name(str(ev.get("task_id", "")), names)
    if kind == "session_start":
        return (_("The user's request opens the conversation. This is the serial harness (s07): every command "
                  "runs on the main thread and holds it until it ends.") if mode == SERIAL else
                _("The user's request opens the conversation. This is the parallel harness (s08): a slow command can "
                  "go to a background task while the main thread goes on."))
    if kind == "drain":
        n = len(ev.get("delivered") or [])
        if ev.get("progress"):
            return progress_drain_sentence(n, len(ev["progress"]))
        if n:
            return ngettext("Right before calling the model, the loop drains the queue: it takes {n} notification "
                            "out, under the queue's lock.",
                            "Right before calling the model, the loop drains the queue: it takes {n} notifications "
                            "out, under the queue's lock.", n).format(n=n)
        return _("Right before calling the model, the loop drains the queue. It is empty, so nothing is added to the "
                 "conversation.")
    if kind == "inject":
        n = len(ev.get("task_ids") or [])
        if str(ev.get("text", "")).startswith("<task-notification>") or ev.get("progress_ids"):
            return inject_sentence(ev)
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
        tool, what = ev.get("tool"), target_words(ev.get("input"))
        if tool == "bash":
            return _("The main thread runs {what} itself: it is blocked until the command ends.").format(what=what)
        if tool in ("background_run", "background_agent") and ev.get("blocking"):
            return _("The serial harness has no background tasks: {what} runs on the main thread, which is blocked "
                     "until it ends.").format(what=what)
        if tool == "background_agent":
            return _("background_agent hands {what} to the background manager: it will run a loop of its own, with "
                     "its own model, on a lane of its own.").format(what=what)
        if tool == "kill_background":
            return _("kill_background asks the background manager to stop {what}; it does not wait for it.").format(
                what=what)
        if tool == "background_run":
            return _("background_run hands {what} to the background manager instead of running it here.").format(what=what)
        if tool == "check_background":
            return _("check_background asks the background manager how its tasks stand; it does not wait for them.")
        if ev.get("blocking"):
            return _("The main thread runs {tool} on {what} itself: it is blocked until it ends.").format(
                tool=tool, what=what or _("its input"))
        return _("The main thread runs {tool} on {what}: a quick tool, done in a moment.").format(tool=tool, what=what)
    if kind == "spawn" and (ev.get("agent") or ev.get("progress")):
        return spawn_sentence(ev, who)
    if kind == "spawn":
        return _("The manager records {who} for {command} and starts it in the background. background_run returns "
                 "the task's id at once: it does not wait.").format(who=who, command=cmd(ev))
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
        if ev.get("tool") == "background_agent" and str(ev.get("result", "")).startswith("Background agent"):
            return _("background_agent has returned the sub-agent's task id; the main thread is free to go on.")
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
    if kind == "task_start" and ev.get("msg") is not None:
        return _("{who} starts: a sub-agent with a loop and a model of its own; its task is the first message of a "
                 "conversation of its own.").format(who=who)
    if kind == "task_start":
        attempt = int(ev.get("attempt", 1) or 1)
        return (_("{who} starts {command} again in the background (attempt {attempt}).").format(
            who=who, command=cmd(ev), attempt=attempt) if attempt > 1 else
            _("{who} starts {command} in the background.").format(who=who, command=cmd(ev)))
    if kind == "retry" and ev.get("reason") == "error":
        return _("{who} failed with exit code {code} and starts again (attempt {attempt}).").format(
            who=who, code=ev.get("exit_code"), attempt=ev.get("attempt"))
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
    if kind == "kill" and ev.get("by") == "model":
        return _("The model asked to stop {who} with kill_background: it is killed, with every process it "
                 "started.").format(who=who)
    if kind == "kill":
        return _("{who} is stopped, with every process it started.").format(who=who)
    if kind == "progress":
        return progress_sentence(ev, who)
    if kind == "error":
        return _("The run stops: {message}").format(message=one_line(ev.get("message", ""), 200))
    if kind == "session_end" and ev.get("undelivered"):
        lost = len(ev["undelivered"])
        return ngettext("The run ends at {t} s, but {n} result never reached the model: the loop returned when the "
                        "model ended its turn, without waiting (the known bug).",
                        "The run ends at {t} s, but {n} results never reached the model: the loop returned when the "
                        "model ended its turn, without waiting (the known bug).", lost).format(
            t=f"{float(ev['t']):.1f}", n=lost)
    if kind == "session_end":
        return _("The run ends at {t} s: {why}.").format(t=f"{float(ev['t']):.1f}", why=_end_words(ev))
    return _("Something happened that this version does not describe ({kind}).").format(kind=kind)


__all__ = ["activity", "event_sentence", "event_summary", "run_status", "target", "task_counts"]
