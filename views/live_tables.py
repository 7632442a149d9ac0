"""The Live page's two tables, as plain rows: the notifications waiting in the queue and the task table.

Column names are in the reader's language; ``TASK_NUMBERS`` and ``TASK_FLAGS`` say
which columns hold seconds and which hold yes/no, so the page can format them.
"""

from __future__ import annotations

from typing import Any

from simulator.i18n import _
from simulator.snapshot import Snapshot
from simulator.text import one_line

PREVIEW_CHARS = 160
COMMAND_CHARS = 60


def queue_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notifications waiting in the queue as table rows, oldest first."""
    return [{_("task"): f"bg:{i['task_id']}", _("status"): i.get("status"), _("exit code"): i.get("exit_code"),
             _("command"): one_line(i.get("command", ""), COMMAND_CHARS),
             _("result (preview)"): one_line(i.get("result") or "", PREVIEW_CHARS)} for i in items]


def task_rows(snap: Snapshot) -> list[dict[str, Any]]:
    """The task table at this step, as ``check_background`` would describe it."""
    return [{_("task"): t["task_id"], _("status"): t.get("status"), _("exit code"): t.get("exit_code"),
             _("command"): one_line(t.get("command", ""), COMMAND_CHARS),
             _("started (s)"): t.get("started_t"), _("finished (s)"): t.get("finished_t"),
             _("delivered"): bool(t.get("delivered"))} for t in snap.tasks]


def seconds_columns() -> tuple[str, ...]:
    """The task table's columns that hold a time in seconds."""
    return _("started (s)"), _("finished (s)")


def flag_columns() -> tuple[str, ...]:
    """The task table's columns that hold yes or no."""
    return (_("delivered"),)
