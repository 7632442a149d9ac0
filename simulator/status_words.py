"""A task's status in the reader's words (the status codes themselves stay English in traces and tables of data)."""

from __future__ import annotations

from .i18n import _


def status_words() -> dict[str, str]:
    """Every status code a task can have, in the current language."""
    return {"spawned": _("starting"), "queued": _("queued (no free slot)"), "running": _("running"),
            "completed": _("completed"), "error": _("failed"), "timeout": _("timed out"), "killed": _("killed"),
            "interrupted": _("interrupted"), "finished": _("finished")}


def status_word(status: object) -> str:
    """One status code in the current language (an unknown code as it is)."""
    return status_words().get(str(status), str(status))
