"""Player documents for the pages, cached per source, harness set and language (building one costs milliseconds).

A cached document is shared by every rerun and browser session, never copied: each page
gets a ``ViewedDocument`` (the shared runs and strings plus its own ``view``), whose text
for the browser is the shared document's JSON, made once, with the view added.
"""

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


class SharedDocument(dict):
    """A cached player document without a view; its JSON is made once, when first asked for."""

    _text: str | None = None

    def text(self) -> str:
        """The document without its view, as JSON (the same object every time)."""
        if self._text is None:
            body = {k: v for k, v in self.items() if k != "view"}  # a viewed document adds its own
            self._text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return self._text


class ViewedDocument(dict):
    """A shared document shown as ``view`` says: its keys are the shared ones and ``view``."""

    def __init__(self, shared: SharedDocument, view: dict[str, Any]) -> None:
        super().__init__(shared)
        self["view"] = view
        self.shared = shared

    def text(self) -> str:
        """The JSON the player reads: the shared text with this view added."""
        base = self.shared.text()
        view = json.dumps(self["view"], ensure_ascii=False, separators=(",", ":"))
        return f'{base[:-1]},"view":{view}}}' if len(base) > 2 else f'{{"view":{view}}}'


def source_traces(source: Source) -> dict[str, Trace]:
    """Every run of ``source`` by harness: a trace as it is, a scenario or recording run in each harness."""
    if source.trace is not None:
        return {str(source.trace.meta.get("mode") or "parallel"): source.trace}
    if source.scenario is not None:
        data = source.scenario.to_dict()
        return {m: run_data(data, m) for m in available_modes(source)}
    return dict(source.runs)


@st.cache_resource(show_spinner=False, max_entries=64)
def _runs_document(key: str, lang: str, _source: Source) -> SharedDocument:
    with use_language(lang):
        return SharedDocument(player_document(source_traces(_source)))


def source_document(source: Source, view: dict[str, Any]) -> ViewedDocument:
    """The player document of every run of ``source``, shown as ``view`` says."""
    return ViewedDocument(_runs_document(source.key, language(), source), view)


@st.cache_resource(show_spinner=False, max_entries=64)
def _data_document(data_json: str, lang: str) -> SharedDocument:
    data = json.loads(data_json)
    with use_language(lang):
        return SharedDocument(player_document({m: run_data(data, m) for m in ("serial", "parallel")}))


def scenario_document(data: dict[str, Any], view: dict[str, Any]) -> ViewedDocument:
    """The player document of a (maybe changed) scenario's two runs."""
    return ViewedDocument(_data_document(json.dumps(data, ensure_ascii=False), language()), view)
