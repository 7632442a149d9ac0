"""What a fresh server makes before its first reader arrives: the pages' modules and the first screen's documents.

A fresh server's first script run would otherwise import them (pandas among them, about
half a second) and run the start page's scenario while its reader waits. ``server.py``
imports this module and calls ``warm_up`` at start-up, before the server takes a request.
"""

from __future__ import annotations

import time

from streamlit.env_util import is_repl
from streamlit.string_util import extract_leading_emoji

# The pages' modules: what a page's first run would import (tests/app/test_warm.py keeps the list whole).
import exports  # noqa: F401
import lessons  # noqa: F401
import ui.course  # noqa: F401
import ui.course_page  # noqa: F401
import ui.embed  # noqa: F401
import ui.exports  # noqa: F401
import ui.first_screen  # noqa: F401
import ui.folds  # noqa: F401
import ui.lang  # noqa: F401
import ui.live_actions  # noqa: F401
import ui.live_view  # noqa: F401
import ui.menu  # noqa: F401
import ui.pickers  # noqa: F401
import ui.player  # noqa: F401
import ui.preload  # noqa: F401
import ui.setup  # noqa: F401
import ui.text  # noqa: F401
import ui.uploads  # noqa: F401
import ui.url  # noqa: F401
import ui.viewer_route  # noqa: F401
import ui.whatif  # noqa: F401
import ui.whatif_route  # noqa: F401
import views.compare  # noqa: F401
import views.first_screen  # noqa: F401
import views.legend  # noqa: F401
import views.live  # noqa: F401
import views.live_tables  # noqa: F401
import views.mechanism  # noqa: F401
import views.overview  # noqa: F401
import views.shapes  # noqa: F401
from simulator.i18n import LANGS

from .first_screen import fragment


def make_first_screen() -> None:
    """The start page's runs, player document and first screen, in each of the app's languages (into the caches)."""
    for lang in LANGS:
        fragment(lang)


def prime_streamlit() -> None:
    """Do now what Streamlit does once per process on its first page, at a reader's cost otherwise (about 0.4 s).

    The language choice's labels are not ASCII, so its first draw compiles Streamlit's emoji
    pattern (Python's ``re`` keeps it); the first element a script draws looks at the whole
    call stack once, which maps every loaded module to its file (``inspect`` keeps that map).
    """
    for name in LANGS.values():
        extract_leading_emoji(name)
    is_repl()


def warm_up() -> float:
    """Make the first screen and prime Streamlit (this module's imports have brought the pages' modules); returns the seconds it took."""
    t0 = time.perf_counter()
    make_first_screen()
    prime_streamlit()
    return time.perf_counter() - t0
