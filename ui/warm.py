"""What a fresh server makes before its first reader arrives: the pages' modules and the first screen's documents.

A fresh server's first script run would otherwise import them (pandas among them, about
half a second) and run the start page's scenario while its reader waits. ``server.py``
calls ``warm_up`` at start-up, before the server takes a request.
"""

from __future__ import annotations

import importlib
import pkgutil
import time

#: The packages the pages import from (``simulator`` comes with them).
PACKAGES = ("ui", "views", "lessons", "exports")
#: The start page's scenario: its runs and player document are made in every language.
FIRST_SCENARIO = "tests-and-docs"


def import_pages_modules() -> int:
    """Import every module of ``PACKAGES``; returns how many."""
    count = 0
    for name in PACKAGES:
        package = importlib.import_module(name)
        count += 1
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            importlib.import_module(info.name)
            count += 1
    return count


def make_first_screen() -> None:
    """The start page's two runs and its player document, in each of the app's languages (into the app's caches)."""
    from simulator.i18n import LANGS, use_language
    from simulator.inputs import bundled
    from ui.documents import scenario_document
    from ui.runs import run_data

    data = bundled(FIRST_SCENARIO).scenario.to_dict()
    for mode in ("serial", "parallel"):
        run_data(data, mode)
    for lang in LANGS:
        with use_language(lang):
            scenario_document(data, {}).shared.text()


def warm_up() -> float:
    """Import the pages' modules and make the first screen; returns the seconds it took."""
    t0 = time.perf_counter()
    import_pages_modules()
    make_first_screen()
    return time.perf_counter() - t0
