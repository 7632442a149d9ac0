"""The session-file export: the scenario and the trace of each run in one JSON document."""

from __future__ import annotations

from typing import Any

from simulator.scenario import Scenario
from simulator.session_file import session_json
from simulator.trace import Trace


def render(runs: dict[str, Trace], *, scenario: Scenario | None = None, **_: Any) -> str:
    """The session file (``scenario`` may be None for traces without their scenario)."""
    return session_json(scenario, runs)
