"""How background tasks are described: notifications, injected text, check and kill output.

Shared by the real and the virtual BackgroundManager so both speak the same words.
Everything here is text the model sees, so none of it is translated.

The queue holds two kinds of item: a task's result (one per task, when it ends) and,
for a task started with a ``progress`` pattern, a progress item (lines of its output
while it runs; ``"kind": "progress"``). The drain turns them into one injected block in
one of two shapes (``NOTIFICATION_SHAPES``): the lesson's ``<background-results>`` lines
(the default) or one ``<task-notification>`` element per item, the shape Claude Code uses.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from .text import one_line

#: Task statuses. ``queued`` appears only with a concurrency limit;
#: ``interrupted`` only for tasks found running after a restart.
STATUSES = ("queued", "running", "completed", "error", "timeout", "killed", "interrupted")
FINAL_STATUSES = frozenset({"completed", "error", "timeout", "killed", "interrupted"})

RESULT_LIMIT = 50_000  # characters kept of a task's output
PREVIEW_LIMIT = 500  # characters of it that go into a notification
COMMAND_LIMIT = 80  # characters of the command that go into a notification
SPILL_BYTES = RESULT_LIMIT  # a longer output is also kept whole in a log file (a shorter one fits the result)
SUMMARY_LIMIT = 160  # characters of a result's telling line in a <task-notification> summary

BACKGROUND_RESULTS = "background-results"
TASK_NOTIFICATION = "task-notification"
NOTIFICATION_SHAPES: tuple[str, ...] = (BACKGROUND_RESULTS, TASK_NOTIFICATION)
#: The tag each shape opens its block with (the words of the tools and system prompt name it).
SHAPE_TAGS = {BACKGROUND_RESULTS: "<background-results>", TASK_NOTIFICATION: "<task-notification>"}

PROGRESS = "progress"  # the ``kind`` of a progress item
AGENT = "agent"  # the ``kind`` of a sub-agent's result


def status_for_exit(exit_code: int | None) -> str:
    """``completed`` for exit 0, ``error`` for any other exit code."""
    return "completed" if exit_code == 0 else "error"


def result_text(output: str, status: str, exit_code: int | None, timeout_s: float | None = None) -> str:
    """The task's result as the model sees it: output, with the reason it ended when not a success."""
    body = output.strip() or "(no output)"
    if status == "timeout":
        return f"Error: Timeout ({timeout_s:g}s)\n{body}" if output.strip() else f"Error: Timeout ({timeout_s:g}s)"
    if status == "killed":
        return f"Killed\n{body}" if output.strip() else "Killed"
    if status == "interrupted":
        return "Interrupted: the harness restarted while this task was running"
    if exit_code not in (0, None):
        return f"[exit code {exit_code}]\n{body}"
    return body


def make_notification(task_id: str, status: str, command: str, result: str, exit_code: int | None,
                      output_file: str | None, kind: str | None = None) -> dict[str, Any]:
    """One result item of the queue, as ``drain_notifications`` returns it (``kind`` "agent" for a sub-agent)."""
    note: dict[str, Any] = {
        "task_id": task_id,
        "status": status,
        "command": command[:COMMAND_LIMIT],
        "result": result[:PREVIEW_LIMIT],
        "exit_code": exit_code,
        "output_file": output_file,
    }
    if kind:
        note["kind"] = kind
    return note


# -- progress items ---------------------------------------------------------------------------------
def progress_preview(lines: list[str], more: int) -> str:
    """A progress item's lines on one line: ``a | b (+3 more lines)``."""
    text = " | ".join(one_line(line) for line in lines)
    if more:
        text += f" (+{more} more line{'s' if more != 1 else ''})"
    return text[:PREVIEW_LIMIT]


def make_progress_note(task_id: str, command: str, lines: list[str], more: int) -> dict[str, Any]:
    """A progress item: lines a running task printed that match its ``progress`` pattern."""
    return {"task_id": task_id, "kind": PROGRESS, "status": "running", "command": command[:COMMAND_LIMIT],
            "lines": list(lines), "more": more, "result": progress_preview(lines, more), "exit_code": None,
            "output_file": None}


def merge_progress(item: dict[str, Any], lines: list[str], more: int, keep: int) -> None:
    """Fold newer lines into a progress item still in the queue: its latest ``keep`` lines stay."""
    merged = list(item.get("lines") or []) + list(lines)
    dropped = max(0, len(merged) - keep)
    item["lines"] = merged[dropped:]
    item["more"] = int(item.get("more") or 0) + more + dropped
    item["result"] = progress_preview(item["lines"], item["more"])


def is_progress(note: dict[str, Any]) -> bool:
    """Whether a queue item is a progress item (not a task's result)."""
    return note.get("kind") == PROGRESS


# -- the injected block -----------------------------------------------------------------------------
def notification_line(n: dict[str, Any]) -> str:
    """``[bg:<id>] <status>: <preview>`` on one line (``progress`` for a progress item)."""
    preview = one_line(n.get("result", ""))
    label = PROGRESS if is_progress(n) else n["status"]
    return f"[bg:{n['task_id']}] {label}: {preview}"


_PREFIXES = re.compile(r"^(\[attempt \d+ of \d+\]|\[exit code -?\d+\]|Error: Timeout \([^)]*\)|Killed|\(no output\))$")


def telling_line(result: str, first: bool = False) -> str:
    """The line of a result that says most: the last one a command printed (the first of an agent's answer)."""
    text = str(result or "")
    lines = [line.strip() for line in text.splitlines()]
    if len(text) >= PREVIEW_LIMIT and len(lines) > 1:
        lines = lines[:-1]  # a preview cut short: its last line is only the start of one
    lines = [line for line in lines if line and not _PREFIXES.match(line)]
    if not lines:
        return ""
    return one_line(lines[0] if first else lines[-1], SUMMARY_LIMIT)


def _status_words(n: dict[str, Any]) -> str:
    status, code = n.get("status"), n.get("exit_code")
    if status == "completed":
        return "completed" if code is None else f"completed (exit code {code})"
    if status == "error":
        return f"failed with exit code {code}" if code is not None else "failed"
    if status == "timeout":
        return "timed out"
    if status == "killed":
        return "was killed"
    if status == "interrupted":
        return "was interrupted"
    return str(status)


def summary_text(n: dict[str, Any]) -> str:
    """The one-line ``<summary>`` of a ``<task-notification>``."""
    agent = n.get("kind") == AGENT
    what = f'Sub-agent "{n.get("command", "")}"' if agent else f'Background command "{n.get("command", "")}"'
    if is_progress(n):
        lines = list(n.get("lines") or [])
        count = len(lines) + int(n.get("more") or 0)
        shown = "" if not n.get("more") else f", the last {len(lines)}"
        return f"{what} printed {count} matching line{'s' if count != 1 else ''}{shown}: " + " | ".join(
            one_line(line) for line in lines)
    line = telling_line(n.get("result", ""), first=agent)
    return f"{what} {_status_words(n)}" + (f": {line}" if line else "")


def task_notification(n: dict[str, Any]) -> str:
    """One ``<task-notification>`` element: task id, status, output file (when there is one), summary."""
    parts = ["<task-notification>", f"<task-id>{n['task_id']}</task-id>", f"<status>{n['status']}</status>"]
    if n.get("output_file"):
        parts.append(f"<output-file>{escape(str(n['output_file']), quote=False)}</output-file>")
    parts.append(f"<summary>{escape(one_line(summary_text(n)), quote=False)}</summary>")
    parts.append("</task-notification>")
    return "\n".join(parts)


def injection_text(notifications: list[dict[str, Any]], shape: str = BACKGROUND_RESULTS) -> str:
    """The exact block the loop injects before a model call, in ``shape``."""
    if shape == TASK_NOTIFICATION:
        return "\n".join(task_notification(n) for n in notifications)
    lines = "\n".join(notification_line(n) for n in notifications)
    return f"<background-results>\n{lines}\n</background-results>"


_RESULT_LINE = re.compile(r"^\[bg:([0-9a-f]{8})\] (completed|error|timeout|killed|interrupted): ", re.M)
_TASK_NOTE = re.compile(r"<task-notification>\n<task-id>([0-9a-f]{8})</task-id>\n<status>([a-z]+)</status>\n")


def delivered_results(text: str) -> list[tuple[str, str]]:
    """``(task id, status)`` of every task result an injected block reports, in either shape.

    Progress items are not results, and are left out.
    """
    found = [(m.group(1), m.group(2)) for m in _RESULT_LINE.finditer(text)]
    found += [(m.group(1), m.group(2)) for m in _TASK_NOTE.finditer(text) if m.group(2) in FINAL_STATUSES]
    return found


def is_injection(text: str) -> bool:
    """Whether a text block is a block the drain injected (either shape)."""
    return text.startswith(("<background-results>", "<task-notification>"))


# -- tool results -------------------------------------------------------------------------------------
_STARTED = re.compile(r"^Background (?:task|agent) ([0-9a-f]{8}) started")


def started_text(task_id: str, command: str) -> str:
    """What ``background_run`` returns at once."""
    return f"Background task {task_id} started: {command[:COMMAND_LIMIT]}"


def agent_label(name: str, task: str, limit: int = COMMAND_LIMIT) -> str:
    """How a sub-agent is named where a command would be: ``A: Review the auth module``."""
    return one_line(f"{name}: {task}", limit)


def agent_started_text(task_id: str, name: str) -> str:
    """What ``background_agent`` returns at once."""
    return f"Background agent {task_id} started: {name[:COMMAND_LIMIT]}"


def started_task_id(text: str) -> str | None:
    """The task id in a ``background_run`` / ``background_agent`` result that started a task (None otherwise)."""
    m = _STARTED.match(text)
    return m.group(1) if m else None


def killed_text(task_id: str, command: str) -> str:
    """What ``kill_background`` returns when it stopped a task."""
    return f"Killed task {task_id}: {command[:60]}"


def already_finished_text(task_id: str, status: str) -> str:
    """What ``kill_background`` returns for a task that had already ended."""
    return f"Task {task_id} already finished ({status})"


def unknown_task_text(task_id: str) -> str:
    return f"Error: Unknown task {task_id}"


def check_text(tasks: dict[str, dict[str, Any]], task_id: str | None = None) -> str:
    """What ``check_background`` returns: one task with its full result, or a line per task.

    ``tasks`` maps task id to a record with at least ``status``, ``command``,
    ``result`` (None while running) and ``exit_code``.
    """
    if task_id:
        t = tasks.get(task_id)
        if t is None:
            return unknown_task_text(task_id)
        code = "" if t.get("exit_code") in (None, 0) else f" (exit {t['exit_code']})"
        return f"[{t['status']}{code}] {t['command'][:60]}\n{t.get('result') or '(running)'}"
    if not tasks:
        return "No background tasks."
    lines = []
    for tid, t in tasks.items():
        code = "" if t.get("exit_code") in (None, 0) else f" (exit {t['exit_code']})"
        lines.append(f"{tid}: [{t['status']}{code}] {t['command'][:60]}")
    return "\n".join(lines)
