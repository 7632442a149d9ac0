"""The app's entrypoint: page set-up and navigation.

Run it with ``streamlit run streamlit_app.py``. Every page file that exists among
``pages/viewer.py``, ``compare.py``, ``lessons.py`` and ``live.py`` is registered;
``pages/embed.py`` is a hidden page for iframes (``/embed?scenario=...&step=...``),
and an app opened with ``?embed=true`` shows only that page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui

HERE = Path(__file__).resolve().parent

#: (file stem, title, icon) in menu order; the first one that exists is the default page.
PAGES = (
    ("viewer", "Step through a session", ":material/timeline:"),
    ("compare", "Serial vs parallel", ":material/compare_arrows:"),
    ("lessons", "Lessons", ":material/school:"),
    ("live", "Live run", ":material/play_circle:"),
)


def build_pages(*, with_default: bool = True) -> list[st.Page]:
    """The menu pages whose files exist (another page may be the default when embedded)."""
    found = [(stem, title, icon) for stem, title, icon in PAGES if (HERE / "pages" / f"{stem}.py").exists()]
    return [st.Page(f"pages/{stem}.py", title=title, icon=icon, url_path=stem, default=with_default and i == 0)
            for i, (stem, title, icon) in enumerate(found)]


st.set_page_config(page_title="s08 · background tasks", page_icon=":material/timeline:", layout="wide",
                   initial_sidebar_state="collapsed" if st.context.is_embedded else "auto")
embedded = bool(st.context.is_embedded)
pages = build_pages(with_default=not embedded)
pages.append(st.Page("pages/embed.py", title="Embedded viewer", icon=":material/web_asset:", url_path="embed",
                     visibility="hidden"))
if embedded:  # inside an iframe, the app's front page is the compact viewer
    pages.append(st.Page(ui.embed_view, title="Viewer", url_path="embedded", visibility="hidden", default=True))
navigation = st.navigation(pages, position="hidden" if embedded else "sidebar")
navigation.run()
