"""The start page before Streamlit has drawn it: the server puts its first screen into the page's HTML.

A fresh browser needs Streamlit's scripts and its first message (over a second) before
any element shows. ``server.py``'s pages (``ui.preload``) carry, for the start page,
its words, figures and player document in the reader's language, and
``static/first.js``, which draws them with the player's own renderer as soon as the
player's files are in. When the page's own player mounts, it takes the drawn charts and
the moment shown (``ui.player``), and the first screen goes.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from lessons import LESSON_IDS
from simulator.i18n import LANGS, negotiate, normalize_lang, use_language
from simulator.inputs import bundled
from views.first_screen import FirstScreen, first_screen
from views.overview import contrast

from .documents import ViewedDocument, scenario_document
from .player import ONCE
from .runs import run_data

#: The start page's scenario, and its player's key.
SCENARIO = "tests-and-docs"
FIRST_KEY = "start_compare"
#: The addresses that open the start page (``/`` forwards elsewhere when its query names a run or an embed).
PATHS = ("/", "/start")
OTHER_PAGE = {"scenario", "step", "embed"}
STATIC = Path(__file__).resolve().parent.parent / "static"


def start_screen() -> tuple[FirstScreen, ViewedDocument]:
    """The start page's words and figures, and its player's document, in the language spoken now."""
    data = bundled(SCENARIO).scenario.to_dict()
    screen = first_screen(contrast(run_data(data, "serial"), run_data(data, "parallel")), len(LESSON_IDS))
    return screen, scenario_document(data, {"kind": "compare", "t": screen.t})


def page_language(query: str, accept_language: str | None) -> str | None:
    """The language the start page will speak for this request (``ui.lang``'s order); None if not the start page.

    The first screen puts it into the address before Streamlit starts, so the page speaks it too.
    """
    asked = parse_qs(query, keep_blank_values=True)  # ``/?step=`` opens the viewer all the same
    if OTHER_PAGE & set(asked):
        return None
    return normalize_lang(asked.get("lang", [None])[-1]) or negotiate(accept_language)  # the last, as Streamlit


def _links(lang: str, screen: FirstScreen) -> list[dict[str, str]]:
    return [{"href": "./lessons?" + urlencode({"lesson": "blocking", "lang": lang}), "label": screen.course_link},
            {"href": "./viewer?" + urlencode({"scenario": SCENARIO, "mode": "parallel", "lang": lang}),
             "label": screen.viewer_link}]


def _script_safe(text: str) -> str:
    """JSON that cannot end its ``<script>`` element (``<`` only ever stands inside its strings)."""
    return text.replace("<", "\\u003c")


@lru_cache(maxsize=len(LANGS))
def fragment(lang: str) -> bytes:
    """The first screen for ``lang``: its styles, its box, its data and its script (made once per language)."""
    with use_language(lang):
        screen, doc = start_screen()
        words = {**asdict(screen), "links": _links(lang, screen)}
        data = f'{{"lang":"{lang}","screen":{json.dumps(words, ensure_ascii=False)},"doc":{doc.text()}}}'
    css = (STATIC / "first.css").read_text(encoding="utf-8")
    js = (STATIC / "first.js").read_text(encoding="utf-8")
    return (f'<style>{css}</style><script type="application/json" id="s08-first-data">{_script_safe(data)}</script>'
            f"<script>(function () {{{ONCE}{js}}})();</script>").encode()  # no global names


def with_first_screen(html: bytes, lang: str) -> bytes:
    """The page with the start page's first screen at the top of its ``<head>`` (unchanged if it has none).

    There, before Streamlit's stylesheet, its script runs at once: after it, it would wait for it to load.
    Streamlit's own script is held back until the first screen is drawn (``static/first.js`` starts it).
    """
    at = html.find(b"<head>")
    if at < 0:
        return html
    held = (html[at + 6:].replace(b'<script type="module"', b'<script type="s08-later"')  # first.js starts it
            .replace(b'<link rel="modulepreload"', b'<link rel="s08-later"'))
    return html[: at + 6] + fragment(lang) + held
