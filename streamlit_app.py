"""The app's entrypoint: page set-up and navigation.

Run it with ``streamlit run streamlit_app.py``. Every page file that exists among
``pages/viewer.py``, ``compare.py``, ``lessons.py`` and ``live.py`` is registered at its
own address (``/viewer``, ``/compare``...); ``/`` forwards to the first of them with the
same query. ``pages/embed.py`` is a hidden page for iframes
(``/embed?scenario=...&step=...``), and an app opened with ``?embed=true`` shows the
compact viewer at ``/``.
"""

from __future__ import annotations

import streamlit as st

from ui.embed import embed_view
from ui.lang import language_switcher, page_language
from ui.menu import menu_pages


def front_page() -> None:
    """``/`` opens the first page at its own address, keeping the query: ``/?step=12`` is ``/viewer?step=12``."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


st.set_page_config(page_title="s08 · background tasks", page_icon=":material/timeline:", layout="wide",
                   initial_sidebar_state="collapsed" if st.context.is_embedded else "auto")
embedded = bool(st.context.is_embedded)
page_language()
pages = menu_pages()
hidden = [st.Page("pages/embed.py", title="Embedded viewer", icon=":material/web_asset:", url_path="embed",
                  visibility="hidden")]
if embedded:  # inside an iframe, the app's front page is the compact viewer
    hidden.append(st.Page(embed_view, title="Viewer", url_path="embedded", visibility="hidden", default=True))
else:
    hidden.append(st.Page(front_page, title="Start", url_path="start", visibility="hidden", default=True))
navigation = st.navigation(pages + hidden, position="hidden" if embedded else "sidebar")
if not embedded:
    language_switcher()
navigation.run()
