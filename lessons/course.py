"""A course for the player: chapters and the runs they play, in one document (the app's page and the HTML file)."""

from __future__ import annotations

from typing import Any

from exports.player.document import player_document
from simulator.i18n import _
from simulator.trace import Trace

from .model import Chapter


def course_document(chapters: list[Chapter], open_at: str | None = None) -> dict[str, Any]:
    """The player document of ``chapters`` (every run they play, each once), opening at lesson ``open_at``."""
    runs: dict[str, Trace] = {}
    for c in chapters:
        runs.update(c.runs)
    doc = player_document(runs, {"kind": "course", "lesson": open_at or chapters[0].id})
    doc["course"] = {"title": _("Background tasks, step by step"), "chapters": [c.to_dict() for c in chapters]}
    return doc
