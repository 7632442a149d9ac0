"""The shapes of a lesson: places in the viewer, questions, their options, and measured facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from simulator.runs import run_scenario
from simulator.scenario import load_scenario
from simulator.trace import Trace

VIEWER_PATH = "viewer"


@dataclass(frozen=True)
class Link:
    """A place in the viewer: scenario, harness and step (0-based), with a caption key."""

    caption: str  # i18n key
    scenario: str
    mode: str
    step: int
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def query(self, lang: str | None = None) -> dict[str, str]:
        q = {"scenario": self.scenario, "mode": self.mode, "step": str(self.step)}
        if lang:
            q["lang"] = lang
        return q

    def url(self, lang: str | None = None, base: str = VIEWER_PATH) -> str:
        return f"{base}?{urlencode(self.query(lang))}"


@dataclass(frozen=True)
class Option:
    """One answer a learner can pick; ``label`` is an i18n key formatted with ``fmt``."""

    value: str
    label: str
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Prediction:
    """A question asked at ``ask`` whose answer the trace reveals at ``reveal``."""

    key: str  # unique within the lesson
    question: str  # i18n key
    options: tuple[Option, ...]
    answer: str  # the value of the right option
    ask: Link
    reveal: Link
    explain: str  # i18n key
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def is_right(self, value: str | None) -> bool:
        return value == self.answer


@dataclass(frozen=True)
class Fact:
    """A figure the simulator measured: label key, value text."""

    label: str
    value: str
    fmt: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class LessonView:
    """Everything the page shows for one lesson, computed from its traces."""

    id: str
    scenario: str
    traces: dict[str, Trace]
    links: list[Link]
    predictions: list[Prediction]
    facts: list[Fact]
    fmt: dict[str, Any] = field(default_factory=dict)
    timeline: dict[str, Trace] = field(default_factory=dict)  # runs to draw as a small timeline
    timeline_step: int | None = None
    code: str | None = None  # text shown verbatim (e.g. the injected block)
    messages: list[dict[str, Any]] = field(default_factory=list)
    table: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=64)
def scenario_trace(name: str, mode: str) -> Trace:
    """The trace of a bundled scenario in one harness (deterministic, so cached)."""
    return run_scenario(load_scenario(name), mode)
