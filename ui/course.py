"""The course in the app: one cached player document per language, and the course as an offline file."""

from __future__ import annotations

import streamlit as st

from exports.html import html_page
from lessons import BUILDERS, LESSON_IDS, course_document
from simulator.i18n import _, language, ngettext, use_language

from .documents import SharedDocument, ViewedDocument


@st.cache_resource(show_spinner=False, max_entries=8)
def _course(lang: str) -> SharedDocument:
    with use_language(lang):
        return SharedDocument(course_document([build() for build in BUILDERS.values()]))


def course(open_at: str) -> ViewedDocument:
    """The whole course in the page's language, opening at lesson ``open_at``."""
    return ViewedDocument(_course(language()), {"kind": "course", "viewer": "viewer",
                                                "lesson": open_at if open_at in LESSON_IDS else LESSON_IDS[0]})


@st.cache_data(show_spinner=False, max_entries=8)
def _course_file(lang: str) -> str:
    with use_language(lang):
        n = len(LESSON_IDS)
        return html_page(_course(lang), _("Background tasks, step by step"),
                         ngettext("{n} short lesson on how an agent keeps working while slow commands run in the "
                                  "background. Every step of every run is in this file; it works offline.",
                                  "{n} short lessons on how an agent keeps working while slow commands run in the "
                                  "background. Every step of every run is in this file; it works offline.",
                                  n).format(n=n))


def course_file() -> str:
    """The whole course as one HTML file, in the page's language."""
    return _course_file(language())
