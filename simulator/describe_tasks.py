"""Sentences for what this harness adds to a task's life: sub-agents, progress lines, the notification shapes."""

from __future__ import annotations

from typing import Any

from .describe_words import cmd, flat
from .i18n import _, ngettext


def spawn_sentence(ev: dict[str, Any], who: str) -> str:
    """A ``spawn`` of a sub-agent, or of a command whose matching output lines are reported while it runs."""
    if ev.get("agent"):
        return _("The manager records {who} for sub-agent {name} and starts it in the background: a loop of its own, "
                 "with its own model, on a lane of its own. background_agent returns the task's id at once.").format(
            who=who, name=flat(ev["agent"], 40))
    return _("The manager records {who} for {command} and starts it in the background; lines of its output that "
             "contain “{pattern}” will be reported while it runs.").format(
        who=who, command=cmd(ev), pattern=flat(ev.get("progress"), 60))


def progress_sentence(ev: dict[str, Any], who: str) -> str:
    """A ``progress`` event: a running task reported lines of its output (batched, maybe with some left out)."""
    shown = len(ev.get("lines") or []) or 1
    more = int(ev.get("more") or 0)
    if more:
        return ngettext("{who} is still running and reports {n} new matching line, and counts {more} more it does not "
                        "show: one progress notification waits in the queue.",
                        "{who} is still running and reports {n} new matching lines, and counts {more} more it does "
                        "not show: one progress notification waits in the queue.", shown).format(
            who=who, n=shown, more=more)
    return ngettext("{who} is still running and reports {n} new matching line: a progress notification waits in the "
                    "queue.",
                    "{who} is still running and reports {n} new matching lines: one progress notification waits in "
                    "the queue.", shown).format(who=who, n=shown)


def progress_drain_sentence(results: int, running: int) -> str:
    """A drain that takes progress lines of ``running`` tasks (and ``results`` finished tasks' results)."""
    if results:
        return ngettext("Right before calling the model, the loop drains the queue: it takes {n} result and the "
                        "progress lines of {p} running task out, under the queue's lock.",
                        "Right before calling the model, the loop drains the queue: it takes {n} results and the "
                        "progress lines of {p} running tasks out, under the queue's lock.",
                        results).format(n=results, p=running)
    return ngettext("Right before calling the model, the loop drains the queue: it takes the progress lines of {p} "
                    "running task out, under the queue's lock.",
                    "Right before calling the model, the loop drains the queue: it takes the progress lines of {p} "
                    "running tasks out, under the queue's lock.", running).format(p=running)


def inject_sentence(ev: dict[str, Any]) -> str:
    """An ``inject`` in Claude Code's shape, or one that carries progress lines."""
    n = len(ev.get("task_ids") or []) + len(ev.get("progress_ids") or [])
    if str(ev.get("text", "")).startswith("<task-notification>"):
        return ngettext("The loop adds {n} <task-notification> element to the conversation (task id, status, output "
                        "file, one-line summary): the model reads it in this very call.",
                        "The loop adds {n} <task-notification> elements to the conversation (task id, status, output "
                        "file, one-line summary): the model reads them in this very call.", n).format(n=n)
    return ngettext("The loop adds a <background-results> block with {n} line, results or progress, to the "
                    "conversation: the model reads it in this very call.",
                    "The loop adds a <background-results> block with {n} lines, results or progress, to the "
                    "conversation: the model reads them in this very call.", n).format(n=n)
