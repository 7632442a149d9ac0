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


def components(at: AppTest, name: str) -> list:
    """The page's components of one kind, e.g. ``"s08_player"``, in page order."""
    return [c for c in at.get("bidi_component") if c.proto.component_name.endswith(name)]


def player_doc(at: AppTest, index: int = 0) -> dict:
    """The document the page handed its player (the browser draws every step from it)."""
    import json

    found = components(at, "s08_player")
    assert len(found) > index, "the page has no player"
    data = json.loads(found[index].proto.json)
    return json.loads(data) if isinstance(data, str) else data  # the page sends the document as one JSON text


def whatif_data(at: AppTest) -> dict:
    """What the Compare page hands its What-if controls (values, command names, words)."""
    import json

    [found] = components(at, "s08_whatif")
    return json.loads(found.proto.json)


def send_whatif(at: AppTest, values: dict, seq: int = 1) -> AppTest:
    """Run the page again as the browser's What-if controls do after a change: their new values as the state.

    AppTest cannot click inside a component, so this sends the state value the
    controls' JavaScript sends (``{"values": {"seq", "token", "values"}}``), with every other
    widget's state, as the browser would.
    """
    import json

    [found] = components(at, "s08_whatif")
    token = json.loads(found.proto.json)["token"]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = found.proto.id
    state.json_value = json.dumps({"values": {"seq": seq, "token": token, "values": values}})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def changed_values(at: AppTest, **edits: dict) -> dict:
    """The controls' values with some changed: ``settings={...}`` or ``commands={"cmd": {...}}``."""
    import copy

    values = copy.deepcopy(whatif_data(at)["values"])
    for cmd, fields in (edits.get("commands") or {}).items():
        values["commands"][cmd].update(fields)
    values["settings"].update(edits.get("settings") or {})
    return values


def warnings(at: AppTest) -> list[str]:
    """The page's one-line warnings, as plain text."""
    return [plain(w.value) for w in at.warning]
