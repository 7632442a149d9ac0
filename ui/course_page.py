"""Putting a run or a lesson in a course page, two ways side by side: an iframe of this app, or one offline file."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import urlencode, urlsplit

import streamlit as st

from simulator.i18n import _, language


def app_base() -> str:
    """This app's address as the reader's browser sees it (``https://host[:port]``)."""
    url = urlsplit(str(st.context.url or ""))
    return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else "https://YOUR-HOST"


def iframe_snippet(path: str, query: dict[str, str], title: str) -> str:
    """The HTML of an iframe showing ``path?query`` of this app without its menu and sidebar."""
    src = f"{app_base()}/{path}?{urlencode({**query, 'lang': language(), 'embed': 'true'})}"
    return (f'<iframe src="{escape(src)}"\n  title="{escape(title)}"\n'
            '  width="100%" height="820" style="border: 0" loading="lazy"></iframe>')


def course_page_panel(*, path: str, query: dict[str, str], title: str, file_name: str,
                      make_file: Callable[[], str], key: str) -> None:
    """Two ways to put this in a course page: the iframe (needs this server) and the HTML file (needs nothing)."""
    with st.expander(_("Put this in a course page"), icon=":material/school:"):
        frame, file = st.columns(2, gap="large")
        frame.markdown("**" + _("With this server: an iframe") + "**")
        frame.caption(_("Paste it into the course page. The reader steps inside the frame; the address says where "
                        "it opens (change step= to open at another step)."))
        frame.code(iframe_snippet(path, query, title), language="html")
        file.markdown("**" + _("Without a server: one HTML file") + "**")
        file.caption(_("Everything is inside the file: the runs, the player and its chart library. It opens from a "
                       "disk, a learning platform or an e-mail, offline, and needs no network, today or in five "
                       "years."))
        file.download_button(_("Download the HTML file"), make_file, file_name=file_name, mime="text/html",
                             on_click="ignore", icon=":material/download:", key=f"{key}_file")
