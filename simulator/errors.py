"""Errors that carry a one-line message fit for a learner's eyes."""

from __future__ import annotations


class SimulatorError(Exception):
    """Base class: every error the engine raises on purpose."""


class InputError(SimulatorError):
    """A file (scenario, recording or trace) that cannot be used, and why.

    ``str(err)`` is one line naming the file and the problem, e.g.
    ``fixtures/x.json: events[3].t must be a number, not 'soon'``.
    """

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ModelError(SimulatorError):
    """The model could not answer (API error, recording exhausted, refusal...)."""


class UnsafeCommandError(SimulatorError):
    """A command or path that the harness refuses to run or touch."""
