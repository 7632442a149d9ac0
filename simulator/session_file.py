"""The session file: one JSON document with the scenario that was played and the trace of each run.

``{"format": "s08-session", "version": 1, "scenario": {...} | null,
"runs": {"parallel": {trace}, "serial": {trace}}, "metrics": {mode: {...}}}``

The scenario part is the scenario file itself (it loads with ``scenario_from_dict``),
each run is a trace document (it loads with ``Trace.from_dict``), so a session file can
be taken apart again with ``session_from_dict``.
"""

from __future__ import annotations

import json
from typing import Any

from simulator.checks import check_document, check_version
from simulator.errors import InputError
from simulator.i18n import _
from simulator.metrics import metrics
from simulator.modes import MODES
from simulator.scenario import Scenario, scenario_from_dict
from simulator.trace import Trace

SESSION_FORMAT = "s08-session"
SESSION_VERSION = 1


def session_dict(scenario: Scenario | None, traces: dict[str, Trace]) -> dict[str, Any]:
    """The session as JSON data (``scenario`` may be None for a trace without its scenario)."""
    if not traces:
        raise ValueError("a session needs at least one run")
    summary = {}
    for mode, trace in traces.items():
        m = metrics(trace)
        m.pop("delivery_delays", None)
        summary[mode] = m
    return {"format": SESSION_FORMAT, "version": SESSION_VERSION,
            "scenario": scenario.to_dict() if scenario is not None else None,
            "runs": {mode: trace.to_dict() for mode, trace in traces.items()},
            "metrics": summary}


def session_json(scenario: Scenario | None, traces: dict[str, Trace]) -> str:
    """Deterministic JSON text of ``session_dict``."""
    return json.dumps(session_dict(scenario, traces), ensure_ascii=False, indent=1) + "\n"


def session_from_dict(data: Any, source: str = "<session>") -> tuple[Scenario | None, dict[str, Trace]]:
    """Read a session document back, or raise ``InputError`` naming the problem."""
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise InputError(source, _("not a session file (format should be {format!r})").format(format=SESSION_FORMAT))
    check_version(source, data, "session", SESSION_VERSION)
    check_document(data, source)
    runs = data.get("runs")
    if not isinstance(runs, dict) or not runs:
        raise InputError(source, _("runs must be a non-empty object of traces"))
    for mode in runs:
        if mode not in MODES:
            raise InputError(source, _("runs.{mode} is not a harness (runs are named {names})").format(
                mode=ascii(mode)[:40], names=", ".join(MODES)))
    traces = {mode: Trace.from_dict(run, f"{source} (runs.{mode})") for mode, run in runs.items()}
    if "metrics" in data and not isinstance(data["metrics"], dict):
        raise InputError(source, _("metrics must be an object"))
    raw = data.get("scenario")
    scenario = scenario_from_dict(raw, f"{source} (scenario)") if raw is not None else None
    return scenario, traces
