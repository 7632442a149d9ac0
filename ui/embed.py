"""The viewer alone, for an iframe in a course page: ``/embed?scenario=multi-agent&mode=parallel&step=12``."""

from __future__ import annotations

import streamlit as st

import exports
from simulator.i18n import _, language, use_language
from simulator.inputs import bundled
from simulator.modes import MODES

from .documents import source_document
from .pickers import DEFAULT_SCENARIO, mode_label, source_names, url_mode
from .player import player
from .runs import run_data
from .text import md_safe
from .url import adopt_url, parse_int, set_url


def embed_view() -> None:
    """One bundled scenario at one step, without the sidebar. The URL says what to show."""
    names = source_names()
    adopt_url("scenario", "scenario", lambda raw: raw if raw in names else None,
              _("There is no bundled scenario called “{value}”; the first one is shown instead."))
    name = st.session_state.get("scenario") if st.session_state.get("scenario") in names else DEFAULT_SCENARIO
    source = bundled(name)
    mode = url_mode(["serial", "parallel"])
    adopt_url("step", "step", parse_int, _("“{value}” is not a step number; the run opens at its start."))
    set_url(scenario=name)
    st.markdown(f"**{md_safe(_(source.title))}** · {mode_label(mode)}")
    step = int(st.session_state.get("step") or 0)
    player(source_document(source, {"kind": "viewer", "mode": mode, "step": step}), key="embed_player")
    data, lang = source.scenario.to_dict(), language()

    def offline_file() -> str:
        with use_language(lang):
            return exports.render("html", {m: run_data(data, m) for m in MODES}, scenario=source.scenario, step=step)

    st.download_button(_("This run as one HTML file (works offline)"), offline_file, file_name=f"{name}.html",
                       mime="text/html", on_click="ignore", icon=":material/download:", type="tertiary",
                       key="embed_file")
