"""The course in the app: one cached player document per language, and the course as an offline file."""

from __future__ import annotations

from typing import Any

import streamlit as st

from exports.html import html_page
from lessons import BUILDERS, LESSON_IDS, course_document
from simulator.i18n import _, language, use_language


@st.cache_data(show_spinner=False, max_entries=8)
def _course(lang: str) -> dict[str, Any]:
    with use_language(lang):
        return course_document([build() for build in BUILDERS.values()])


def course(open_at: str) -> dict[str, Any]:
    """The whole course in the page's language, opening at lesson ``open_at``."""
    doc = dict(_course(language()))
    doc["view"] = {"kind": "course", "lesson": open_at if open_at in LESSON_IDS else LESSON_IDS[0], "viewer": "viewer"}
    return doc


@st.cache_data(show_spinner=False, max_entries=8)
def _course_file(lang: str) -> str:
    with use_language(lang):
        return html_page(_course(lang), _("Background tasks, step by step"),
                         _("Nine short lessons on how an agent keeps working while slow commands run in the "
                           "background. Every step of every run is in this file; it works offline."))


def course_file() -> str:
    """The whole course as one HTML file, in the page's language."""
    return _course_file(language())
