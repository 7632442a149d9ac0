"""The page's language: ``?lang=``, else the one chosen earlier in this browser session, else the browser's, else English.

``page_language()`` runs at the start of every script run (the entrypoint does it, and
every fragment, which reruns on its own); ``language_switcher()`` draws the choice in
the sidebar on every page and writes it into the URL, so every link carries it.
"""

from __future__ import annotations

import streamlit as st

from simulator.i18n import LANGS, _, negotiate, normalize_lang, set_language

STATE_KEY = "lang"


def _browser_language() -> str:
    headers = getattr(st.context, "headers", None) or {}
    return negotiate(getattr(st.context, "locale", None), headers.get("Accept-Language"))


def page_language() -> str:
    """Decide this run's language, remember it for the browser session, and speak it."""
    from_url = normalize_lang(st.query_params.get("lang"))
    chosen = st.session_state.get(STATE_KEY)
    lang = from_url or (chosen if chosen in LANGS else None) or _browser_language()
    st.session_state[STATE_KEY] = lang
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang  # every link and permalink made from this URL carries it
    return set_language(lang)


def speak_chosen_language() -> str:
    """Speak the browser session's language (for a fragment or a callback, which run without the entrypoint)."""
    return set_language(st.session_state.get(STATE_KEY))


def _switched() -> None:
    lang = st.session_state.get("lang_switch")
    if lang in LANGS:
        st.session_state[STATE_KEY] = lang
        st.query_params["lang"] = lang


def language_switcher() -> None:
    """The language choice at the top of the sidebar; the URL keeps it (``?lang=``)."""
    lang = st.session_state.get(STATE_KEY, "en")
    st.session_state["lang_switch"] = lang
    st.sidebar.segmented_control(_("Language"), list(LANGS), key="lang_switch", format_func=LANGS.get,
                                 on_change=_switched, label_visibility="collapsed", width="stretch")
