"""The URL's query parameters as page state: read once when a link brings them, written back as the page changes.

A value the app wrote itself is remembered, so a rerun does not mistake it for a
new link; a value that arrives from outside (a first visit, a shared link, a link
from another page) is adopted into ``st.session_state``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from simulator.text import one_line

from .text import md_plain


def url_get(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if value not in (None, "") else None


def adopt_url(param: str, key: str, parse: Callable[[str], Any], complaint: str | None = None) -> bool:
    """Copy ``?param=`` into ``st.session_state[key]`` when the URL carries a value this app did not write.

    That is a first visit, a shared link or a link from another page. ``parse``
    returns None for a value that cannot be used: it is then ignored, and with a
    ``complaint`` (a sentence with ``{value}``) the page says so in one line.
    Returns True if the value was adopted.
    """
    raw = url_get(param)
    written = st.session_state.setdefault("_url_written", {})
    if raw is None or raw == written.get(param):
        return False
    written[param] = raw
    value = parse(raw)
    if value is None:
        if complaint:
            st.warning(md_plain(complaint.format(value=one_line(raw, 60))), icon=":material/link_off:")
        return False
    st.session_state[key] = value
    return True


def set_url(**params: Any) -> None:
    """Write these query parameters (None removes one), remembering them as ours."""
    written = st.session_state.setdefault("_url_written", {})
    for name, value in params.items():
        if value is None or value == "":
            if name in st.query_params:
                del st.query_params[name]
            written.pop(name, None)
        else:
            text = str(value)
            if st.query_params.get(name) != text:
                st.query_params[name] = text
            written[name] = text


def parse_int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def parse_float(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value == value and value >= 0 else None
