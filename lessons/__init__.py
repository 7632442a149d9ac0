"""The course: short lessons on background tasks, each computed from the runs of a bundled scenario.

Everything a lesson shows is computed, never typed in: the step a question pauses
at, the facts it reveals, the right answer. The words are written in English here and
translated through the catalogs (``simulator/i18n.py``); a chapter is built in the
language it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable

from .basics import blocking, fire_and_forget, lock, queue
from .course import course_document
from .failures import failures
from .faq import injected, long_output, lost, order, serial_trap
from .model import Chapter, Choice, Link, Question, scenario_trace

#: Lesson ids in teaching order, with the function that builds each.
BUILDERS: dict[str, Callable[[], Chapter]] = {
    "blocking": blocking,
    "fire-and-forget": fire_and_forget,
    "queue": queue,
    "lock": lock,
    "serial-trap": serial_trap,
    "faq-lost": lost,
    "faq-order": order,
    "faq-long-output": long_output,
    "faq-compaction": injected,
    "faq-failures": failures,
}
LESSON_IDS: tuple[str, ...] = tuple(BUILDERS)


def lesson(lesson_id: str) -> Chapter:
    """The chapter ``lesson_id`` in the current language (KeyError for an unknown id)."""
    return BUILDERS[lesson_id]()


__all__ = ["BUILDERS", "LESSON_IDS", "Chapter", "Choice", "Link", "Question", "course_document", "lesson",
           "scenario_trace"]
