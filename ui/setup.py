"""Page set-up shared by every page."""

from __future__ import annotations

import streamlit as st

from simulator.i18n import _

from .lang import page_language


def require_entrypoint() -> None:
    """Make sure this page runs under the app's navigation (``streamlit_app.py``).

    When the first visitor of a fresh server opens ``/viewer`` or ``/compare``
    directly, Streamlit runs the page file on its own (its older ``pages/`` folder
    mode) and the entrypoint never sets up the pages. Switch that mode off and rerun
    once, so the entrypoint runs and opens the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without this internal
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


#: Less empty space above each page's title, so the first screen shows more of what matters.
PAGE_STYLE = ".stMainBlockContainer { padding-top: 2.2rem; }"


def page_style() -> str:
    """The page's CSS, with Streamlit's own "Skip to main content" link in the reader's language."""
    skip = _("Skip to main content").replace("\\", "").replace('"', "")
    return (f"<style>{PAGE_STYLE} [data-testid='stSkipToContent'] {{ font-size: 0; }}"
            f"[data-testid='stSkipToContent']::after {{ content: \"{skip}\"; font-size: 1rem; }}</style>")


def start_page() -> str:
    """What every page does first: run under the app's navigation, and speak the reader's language (returned)."""
    require_entrypoint()
    lang = page_language()
    st.html(page_style())
    return lang
