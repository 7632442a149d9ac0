"""Opening the app's pages in AppTest, shared by the page tests."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


def page_path(name: str) -> str:
    """The script of one page, e.g. ``page_path("compare")``."""
    return str(ROOT / "pages" / f"{name}.py")


def open_script(script: str, **params: str) -> AppTest:
    """Run ``script`` once with these query parameters; fails the test if the page shows an exception."""
    at = AppTest.from_file(script, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> str | None:
    """A query parameter of the page's URL (AppTest keeps some as lists; the last value counts)."""
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def plain(markdown: str) -> str:
    """Markdown with its backslash escapes removed (the page escapes text it did not write)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def player_doc(at: AppTest, index: int = 0) -> dict:
    """The document the page handed its player (the browser draws every step from it)."""
    import json

    found = at.get("bidi_component")
    assert len(found) > index, "the page has no player"
    data = json.loads(found[index].proto.json)
    return json.loads(data) if isinstance(data, str) else data  # the page sends the document as one JSON text


def warnings(at: AppTest) -> list[str]:
    """The page's one-line warnings, as plain text."""
    return [plain(w.value) for w in at.warning]
