"""The app's menu: its pages in order, their titles in the reader's language."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lessons.i18n import t

ROOT = Path(__file__).resolve().parent.parent

#: (file stem, icon) in menu order; ``/`` forwards to the first one that exists.
PAGES = (
    ("viewer", ":material/timeline:"),
    ("compare", ":material/compare_arrows:"),
    ("lessons", ":material/school:"),
    ("live", ":material/play_circle:"),
)


def menu_lang() -> str:
    """The menu's language: ``?lang=`` or the one chosen on the Lessons page (English otherwise)."""
    raw = st.query_params.get("lang") or st.session_state.get("lang") or "en"
    return "zh" if str(raw).lower().startswith("zh") else "en"


def menu_pages() -> list[st.Page]:
    """The menu pages whose files exist, each at its own address (``/viewer``, ``/compare``...)."""
    lang = menu_lang()
    return [st.Page(f"pages/{stem}.py", title=t(f"menu.{stem}", lang), icon=icon, url_path=stem)
            for stem, icon in PAGES if (ROOT / "pages" / f"{stem}.py").exists()]
