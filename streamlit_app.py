"""The app's entrypoint: page set-up and navigation.

Run it with ``streamlit run server.py`` (warmed up) or ``streamlit run streamlit_app.py``. Every page file listed in ``ui/menu.py``
is registered at its own address (``/start``, ``/viewer``, ``/compare``...); ``/`` opens
the start page, or the viewer when its query names a run. ``pages/embed.py`` is a hidden page for iframes
(``/embed?scenario=...&step=...``), and an app opened with ``?embed=true`` shows the
compact viewer at ``/``.
"""

from __future__ import annotations

import streamlit as st

from simulator.i18n import _
from ui.embed import embed_view
from ui.lang import language_switcher, page_language
from ui.menu import menu_pages


def front_page() -> None:
    """``/`` opens the start page; with a run in its query (``/?scenario=…&step=12``) it opens the viewer there."""
    query = st.query_params.to_dict()
    target = next((p for p in pages if p.url_path == "viewer"), pages[0]) if {"scenario", "step"} & set(query) \
        else pages[0]
    st.switch_page(target, query_params=query)


page_language()
st.set_page_config(page_title=_("s08 · background tasks"), page_icon=":material/timeline:", layout="wide",
                   initial_sidebar_state="collapsed" if st.context.is_embedded else "auto")
embedded = bool(st.context.is_embedded)
pages = menu_pages()
hidden = [st.Page("pages/embed.py", title=_("Embedded viewer"), icon=":material/web_asset:", url_path="embed",
                  visibility="hidden")]
if embedded:  # inside an iframe, the app's front page is the compact viewer
    hidden.append(st.Page(embed_view, title=_("Viewer"), url_path="embedded", visibility="hidden", default=True))
else:
    hidden.append(st.Page(front_page, title=_("Start"), url_path="front", visibility="hidden", default=True))
navigation = st.navigation(pages + hidden, position="hidden" if embedded else "sidebar")
if not embedded:
    language_switcher()
navigation.run()
