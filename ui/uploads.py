"""File pickers whose own words (the button, the size and type line) are in the reader's language.

Streamlit draws "Upload" and "200MB per file • JSON" itself, in English. Each picker
made here comes with a little CSS that hides those two texts and shows the same facts
in the page's language instead.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.i18n import _


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def picker_style(key: str, types: list[str]) -> str:
    """The CSS that words the picker keyed ``key`` in the current language."""
    limit = _("Up to {mb} MB per file · {types}").format(mb=st.get_option("server.maxUploadSize"),
                                                          types=", ".join(t.upper() for t in types))
    button = _("Open a file")
    zone = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    return (f"<style>{zone} button [data-testid='stMarkdownContainer'] p {{ font-size: 0; }}"
            f"{zone} button [data-testid='stMarkdownContainer'] p::after {{ content: {_css_string(button)};"
            " font-size: 0.875rem; }"
            f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span {{ font-size: 0; white-space: normal;"
            " overflow: visible; text-overflow: clip; }"
            f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{ content: {_css_string(limit)};"
            " font-size: 0.75rem; }</style>")


def file_picker(box: Any, label: str, *, types: list[str], key: str, **options: Any) -> Any:
    """``box.file_uploader`` with its own words translated; returns the uploaded file or None."""
    box.html(picker_style(key, types))
    return box.file_uploader(label, type=types, key=key, **options)
