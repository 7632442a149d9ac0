"""The shapes of a lesson: a chapter, its questions, their choices, and places in the viewer.

Every text here is already in the reader's language (the builders translate as they
build), and every step and figure comes from a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from simulator.runs import run_scenario
from simulator.scenario import load_scenario
from simulator.trace import Trace

VIEWER_PATH = "viewer"


@lru_cache(maxsize=64)
def scenario_trace(name: str, mode: str) -> Trace:
    """The trace of a bundled scenario in one harness (deterministic, so cached)."""
    return run_scenario(load_scenario(name), mode)


def run_key(scenario: str, mode: str) -> str:
    """How a chapter names one run: ``multi-agent/parallel``."""
    return f"{scenario}/{mode}"


@dataclass(frozen=True)
class Link:
    """A place in the viewer: scenario, harness and step (0-based), with a caption."""

    caption: str
    scenario: str
    mode: str
    step: int

    def query(self, lang: str | None = None) -> dict[str, str]:
        q = {"scenario": self.scenario, "mode": self.mode, "step": str(self.step)}
        if lang:
            q["lang"] = lang
        return q

    def url(self, lang: str | None = None, base: str = VIEWER_PATH) -> str:
        return f"{base}?{urlencode(self.query(lang))}"


@dataclass(frozen=True)
class Choice:
    """One answer a learner can pick, with what to tell them when they pick it."""

    value: str
    label: str
    feedback: str


@dataclass(frozen=True)
class Question:
    """A question asked with the run paused at ``ask`` (the future hidden), answered by the run at ``reveal``."""

    key: str
    run: str  # a run_key of the chapter
    ask: int
    reveal: int
    text: str
    where: str
    choices: tuple[Choice, ...]
    answer: str
    explain: str
    facts: tuple[tuple[str, str], ...] = ()
    code: str | None = None

    def is_right(self, value: str | None) -> bool:
        return value == self.answer

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "run": self.run, "ask": self.ask, "reveal": self.reveal, "text": self.text,
                "where": self.where, "answer": self.answer, "explain": self.explain,
                "options": [{"value": c.value, "label": c.label, "feedback": c.feedback} for c in self.choices],
                "facts": [list(f) for f in self.facts], "code": self.code}


@dataclass
class Chapter:
    """One lesson: its words, the runs it plays, its questions and its links into the viewer."""

    id: str
    title: str
    body: str
    takeaway: str
    runs: dict[str, Trace]
    questions: list[Question]
    links: list[Link] = field(default_factory=list)
    lab: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "body": self.body, "takeaway": self.takeaway,
                "questions": [q.to_dict() for q in self.questions], "lab": self.lab,
                "links": [{"caption": link.caption, **link.query()} for link in self.links]}
