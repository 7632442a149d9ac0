"""A live run's status line: what its loop is doing now, or how it ended."""

from __future__ import annotations

from typing import Any

from .describe_words import target
from .i18n import _, ngettext
from .text import one_line


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
