"""The course: eight lessons on background tasks, each computed from the traces of a bundled scenario.

Everything a lesson shows is computed, never hard-coded: the step a link opens
(e.g. "the first drain that injects"), the facts (wall time, blocked time, preview
length...) and the right answer of each prediction. The words live in
``lessons/texts.py``, looked up with ``lessons.i18n.t``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from .basics import _blocking, _fire_and_forget, _queue, _serial_trap
from .faq import _compaction, _long_output, _lost, _order
from .i18n import t
from .model import Fact, LessonView, Link, Option, Prediction, scenario_trace
from .steps import first, first_injecting_drain

__all__ = ["BUILDERS", "LESSON_IDS", "Fact", "LessonView", "Link", "Option", "Prediction", "first",
           "first_injecting_drain", "lesson", "lesson_title", "option_label", "scenario_trace"]


#: Lesson ids in teaching order, with the function that builds each.
BUILDERS: dict[str, Callable[[], LessonView]] = {
    "blocking": _blocking,
    "serial-trap": _serial_trap,
    "fire-and-forget": _fire_and_forget,
    "queue": _queue,
    "faq-lost": _lost,
    "faq-order": _order,
    "faq-long-output": _long_output,
    "faq-compaction": _compaction,
}
LESSON_IDS: tuple[str, ...] = tuple(BUILDERS)


@lru_cache(maxsize=16)
def lesson(lesson_id: str) -> LessonView:
    """The computed lesson ``lesson_id`` (KeyError for an unknown id)."""
    return BUILDERS[lesson_id]()


def lesson_title(lesson_id: str, lang: str) -> str:
    return t(f"lesson.{lesson_id}.title", lang)


def option_label(option: Option, lang: str) -> str:
    return t(option.label, lang, **option.fmt)
