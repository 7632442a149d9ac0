"""How finished background tasks are described: notifications, injected text, check output.

Shared by the real and the virtual BackgroundManager so both speak the same words.
"""

from __future__ import annotations

import re
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
                      output_file: str | None) -> dict[str, Any]:
    """One queue item, as ``drain_notifications`` returns it."""
    return {
        "task_id": task_id,
        "status": status,
        "command": command[:COMMAND_LIMIT],
        "result": result[:PREVIEW_LIMIT],
        "exit_code": exit_code,
        "output_file": output_file,
    }


def notification_line(n: dict[str, Any]) -> str:
    """``[bg:<id>] <status>: <preview>`` on one line (newlines in the preview are flattened)."""
    preview = one_line(n.get("result", ""))
    return f"[bg:{n['task_id']}] {n['status']}: {preview}"


def injection_text(notifications: list[dict[str, Any]]) -> str:
    """The exact ``<background-results>`` block the loop injects before a model call."""
    lines = "\n".join(notification_line(n) for n in notifications)
    return f"<background-results>\n{lines}\n</background-results>"


_STARTED = re.compile(r"^Background task ([0-9a-f]{8}) started")


def started_text(task_id: str, command: str) -> str:
    """What ``background_run`` returns at once."""
    return f"Background task {task_id} started: {command[:COMMAND_LIMIT]}"


def started_task_id(text: str) -> str | None:
    """The task id in a ``background_run`` result that started a task (None for any other text)."""
    m = _STARTED.match(text)
    return m.group(1) if m else None


def check_text(tasks: dict[str, dict[str, Any]], task_id: str | None = None) -> str:
    """What ``check_background`` returns: one task with its full result, or a line per task.

    ``tasks`` maps task id to a record with at least ``status``, ``command``,
    ``result`` (None while running) and ``exit_code``.
    """
    if task_id:
        t = tasks.get(task_id)
        if t is None:
            return f"Error: Unknown task {task_id}"
        code = "" if t.get("exit_code") in (None, 0) else f" (exit {t['exit_code']})"
        return f"[{t['status']}{code}] {t['command'][:60]}\n{t.get('result') or '(running)'}"
    if not tasks:
        return "No background tasks."
    lines = []
    for tid, t in tasks.items():
        code = "" if t.get("exit_code") in (None, 0) else f" (exit {t['exit_code']})"
        lines.append(f"{tid}: [{t['status']}{code}] {t['command'][:60]}")
    return "\n".join(lines)
