"""Runs of scenarios, cached for the browser sessions of this server (the virtual clock makes them repeatable)."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from simulator.inputs import Source
from simulator.runs import run_scenario
from simulator.scenario import scenario_from_dict
from simulator.trace import Trace


@st.cache_data(show_spinner=False, max_entries=128)
def _run(scenario_json: str, mode: str) -> dict[str, Any]:
    scenario = scenario_from_dict(json.loads(scenario_json), "scenario")
    return run_scenario(scenario, mode).to_dict()


def run_data(data: dict[str, Any], mode: str) -> Trace:
    """The trace of scenario ``data`` in ``mode`` (cached on the scenario's JSON and the mode).

    The JSON keeps the data's key order, so the trace (and every export of it) is the
    same, byte for byte, as one made from the scenario file outside the app.
    """
    doc = _run(json.dumps(data, ensure_ascii=False), mode)
    return Trace(meta=doc["meta"], lanes=doc["lanes"], events=doc["events"])


def runner(scenario: Any, mode: str) -> Trace:
    """``run_scenario`` with the cache, for views that run a variant."""
    return run_data(scenario.to_dict(), mode)


def source_trace(source: Source, mode: str) -> Trace:
    """The trace to show: a trace as is, the scenario run in ``mode``, or a session file's run in ``mode``."""
    if source.trace is not None:
        return source.trace
    if source.scenario is not None:
        return run_data(source.scenario.to_dict(), mode)
    return source.runs.get(mode) or next(iter(source.runs.values()))
