"""The app's entrypoint: page set-up and navigation.

Run it with ``streamlit run streamlit_app.py``. Every page file that exists among
``pages/viewer.py``, ``compare.py``, ``lessons.py`` and ``live.py`` is registered at its
own address (``/viewer``, ``/compare``...); ``/`` forwards to the first of them with the
same query. ``pages/embed.py`` is a hidden page for iframes
(``/embed?scenario=...&step=...``), and an app opened with ``?embed=true`` shows the
compact viewer at ``/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import ui

HERE = Path(__file__).resolve().parent

#: (file stem, title, icon) in menu order; ``/`` forwards to the first one that exists.
PAGES = (
    ("viewer", "Step through a session", ":material/timeline:"),
    ("compare", "Serial vs parallel", ":material/compare_arrows:"),
    ("lessons", "Lessons", ":material/school:"),
    ("live", "Live run", ":material/play_circle:"),
)
#: Menu titles for readers of Chinese (chosen on the Lessons page or with ``?lang=zh``).
TITLES_ZH = {"viewer": "逐步查看会话", "compare": "串行与并行对比", "lessons": "课程", "live": "实时运行"}


def menu_lang() -> str:
    raw = st.query_params.get("lang") or st.session_state.get("lang") or "en"
    return "zh" if str(raw).lower().startswith("zh") else "en"


def build_pages() -> list[st.Page]:
    """The menu pages whose files exist, each at its own address (``/viewer``, ``/compare``...)."""
    zh = menu_lang() == "zh"
    return [st.Page(f"pages/{stem}.py", title=TITLES_ZH[stem] if zh else title, icon=icon, url_path=stem)
            for stem, title, icon in PAGES if (HERE / "pages" / f"{stem}.py").exists()]


def front_page() -> None:
    """``/`` opens the first page at its own address, keeping the query: ``/?step=12`` is ``/viewer?step=12``."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


st.set_page_config(page_title="s08 · background tasks", page_icon=":material/timeline:", layout="wide",
                   initial_sidebar_state="collapsed" if st.context.is_embedded else "auto")
embedded = bool(st.context.is_embedded)
pages = build_pages()
hidden = [st.Page("pages/embed.py", title="Embedded viewer", icon=":material/web_asset:", url_path="embed",
                  visibility="hidden")]
if embedded:  # inside an iframe, the app's front page is the compact viewer
    hidden.append(st.Page(ui.embed_view, title="Viewer", url_path="embedded", visibility="hidden", default=True))
else:
    hidden.append(st.Page(front_page, title="Start", url_path="start", visibility="hidden", default=True))
navigation = st.navigation(pages + hidden, position="hidden" if embedded else "sidebar")
navigation.run()
