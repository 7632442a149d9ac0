"""The app's menu: its pages in order, their titles in the reader's language."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from simulator.i18n import N_, _

ROOT = Path(__file__).resolve().parent.parent

#: (file stem, title, icon) in menu order; ``/`` forwards to the first one that exists.
PAGES = (
    ("start", N_("Start here"), ":material/home:"),
    ("viewer", N_("Step through a run"), ":material/timeline:"),
    ("compare", N_("Serial vs parallel"), ":material/compare_arrows:"),
    ("lessons", N_("Lessons"), ":material/school:"),
    ("live", N_("Live run"), ":material/play_circle:"),
)


def menu_pages() -> list[st.Page]:
    """The menu pages whose files exist, each at its own address (``/viewer``, ``/compare``...), titled in the page's language."""
    return [st.Page(f"pages/{stem}.py", title=_(title), icon=icon, url_path=stem)
            for stem, title, icon in PAGES if (ROOT / "pages" / f"{stem}.py").exists()]
