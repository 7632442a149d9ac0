"""Player documents for the pages, cached per source, harness set and language (building one costs milliseconds)."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from exports.player.document import player_document
from simulator.i18n import language, use_language
from simulator.inputs import Source
from simulator.trace import Trace

from .pickers import available_modes
from .runs import run_data


def source_traces(source: Source) -> dict[str, Trace]:
    """Every run of ``source`` by harness: a trace as it is, a scenario or recording run in each harness."""
    if source.trace is not None:
        return {str(source.trace.meta.get("mode") or "parallel"): source.trace}
    if source.scenario is not None:
        data = source.scenario.to_dict()
        return {m: run_data(data, m) for m in available_modes(source)}
    return dict(source.runs)


@st.cache_data(show_spinner=False, max_entries=64)
def _runs_document(key: str, lang: str, _source: Source) -> dict[str, Any]:
    with use_language(lang):
        return player_document(source_traces(_source))


def source_document(source: Source, view: dict[str, Any]) -> dict[str, Any]:
    """The player document of every run of ``source``, shown as ``view`` says."""
    doc = dict(_runs_document(source.key, language(), source))
    doc["view"] = view
    return doc


@st.cache_data(show_spinner=False, max_entries=64)
def _data_document(data_json: str, lang: str) -> dict[str, Any]:
    data = json.loads(data_json)
    with use_language(lang):
        return player_document({m: run_data(data, m) for m in ("serial", "parallel")})


def scenario_document(data: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """The player document of a (maybe changed) scenario's two runs."""
    doc = dict(_data_document(json.dumps(data, ensure_ascii=False), language()))
    doc["view"] = view
    return doc
