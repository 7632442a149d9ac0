"""The server's warm-up: it imports every module the pages use and fills the caches the first screen reads."""

from __future__ import annotations

import ast
from pathlib import Path

import ui.documents
import ui.first_screen
import ui.warm
from simulator.i18n import LANGS, use_language
from simulator.inputs import bundled
from ui.documents import scenario_document

ROOT = Path(__file__).resolve().parents[2]


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_every_module_of_the_app_and_the_views_is_warmed():
    warmed = _imported(ROOT / "ui" / "warm.py") | {"ui.documents", "ui.runs", "ui.warm"}  # the last three: by name
    for package in ("ui", "views"):
        for path in sorted((ROOT / package).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            assert name in warmed or name == package, f"ui/warm.py does not import {name}"


def test_after_the_warm_up_the_first_screen_is_made_without_building_a_document(mocker):
    ui.documents._data_document.clear()  # as on a fresh server
    ui.first_screen.fragment.cache_clear()
    ui.warm.warm_up()
    assert ui.first_screen.fragment.cache_info().currsize == len(LANGS)
    build = mocker.patch.object(ui.documents, "player_document", side_effect=AssertionError("built again"))
    data = bundled(ui.first_screen.SCENARIO).scenario.to_dict()
    for lang in LANGS:
        with use_language(lang):
            assert scenario_document(data, {"kind": "compare"}).text().startswith("{")
    build.assert_not_called()
