"""Folded sections whose contents are drawn only while they are open.

A collapsed ``st.expander`` still builds and sends everything inside it on every rerun;
a graphviz picture in one animates each time its figures change, which made switching
scenarios slow. Here the fold reruns the page when it opens or closes and holds its
contents only while it is open.
"""

from __future__ import annotations

from typing import Any

import streamlit as st


def open_fold(label: str, key: str) -> Any | None:
    """An expander under ``key``: its container while it is open, else None (nothing inside is built)."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if st.session_state.get(key) else None
