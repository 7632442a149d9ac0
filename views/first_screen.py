"""The start page's words and figures, in the reader's language: drawn by Streamlit, and by the server before it."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.i18n import _, ngettext

from .overview import Contrast


@dataclass(frozen=True)
class Metric:
    """One figure of the first screen: what it measures, its value and how the blocking loop compares."""

    label: str
    value: str
    note: str


@dataclass(frozen=True)
class FirstScreen:
    """What the start page says, top to bottom; its player shows both runs at ``t``."""

    title: str
    intro: str  # Markdown
    metrics: tuple[Metric, ...]
    t: float
    why: str  # Markdown
    terms: str  # Markdown list
    course_link: str
    viewer_link: str


def secs(x: float | None) -> str:
    """Seconds to one decimal; a dash for a moment that never came."""
    return "—" if x is None else f"{x:.1f}"


def first_screen(c: Contrast, lessons: int) -> FirstScreen:
    """The start page for the contrast ``c`` of one scenario's two runs, with a course of ``lessons`` lessons."""
    return FirstScreen(
        title=_("Slow commands in the background: the agent does not have to wait"),
        intro=_("An AI coding agent is asked to **run the test suite** (about a minute) **and update the docs**. The "
                "same model makes the same decisions twice: above, a loop where every command **blocks** its main "
                "thread; below, a loop that hands the tests to a **background task** and carries on."),
        metrics=(Metric(_("The docs were written at"), _("{t} s").format(t=secs(c.work_parallel_s)),
                        _("{t} s in the blocking loop").format(t=secs(c.work_serial_s))),
                 Metric(_("background_run returned after"), _("{t} s").format(t=secs(c.returned_s)),
                        _("a task id, not the result")),
                 Metric(_("The main thread was blocked for"), _("{t} s").format(t=secs(c.blocked_parallel_s)),
                        _("{t} s in the blocking loop").format(t=secs(c.blocked_serial_s)))),
        t=c.work_parallel_s or 0.0,
        why=_("**Why did the main thread not wait?** `background_run` only *starts* the tests and returns at once. "
              "After writing the docs the main thread is **idle (free)** for {idle} s: the pale bar on its row is a "
              "loop with nothing left to do, not a loop stuck on the tests. When the tests finish, their notification "
              "waits in a queue; right before the next model call the loop **drains** that queue into the "
              "conversation.").format(idle=secs(c.idle_parallel_s)),
        terms=_("- **Harness**: the code around the model. It calls the model, runs the tools the model asks for and "
                "gives back their results.\n"
                "- **Background task**: a command the harness runs on a thread of its own, so the loop does not wait "
                "for it.\n"
                "- **Drain**: right before each model call, the loop takes every waiting notification out of the "
                "queue and adds them to the conversation, in one `<background-results>` block."),
        course_link=ngettext("Start the course: {n} short lesson, with questions to answer",
                             "Start the course: {n} short lessons, with questions to answer", lessons).format(n=lessons),
        viewer_link=_("Or step through this run yourself"))
