"""A scenario switch without a rerun: ``GET /s08/viewer`` answers with a bundled run's player document.

When the reader picks another entry in the viewer's list, the page's script
(``ui.player``) asks this route for the picked run's document and draws it, with the
page's heading and caption, at once; the page's own rerun (its address, its folds and
downloads) follows and finds the same document already drawn. The route serves only
bundled scenarios and recordings, which every page may play: it runs nothing a page
would not have run.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.errors import SimulatorError
from simulator.i18n import _, language, normalize_lang, use_language
from simulator.inputs import Source, bundled, bundled_names
from simulator.modes import MODES, PARALLEL

PATH = "/s08/viewer"


def _caption(source: Source, name: str) -> str:
    # imported here, as below: server.py imports this module before Streamlit's runtime exists
    from .pickers import kind_word

    return _("{kind} **{name}** · one step per event, counted from 0").format(
        kind=kind_word(source.kind).capitalize(), name=name)


def head_words(source: Source) -> tuple[str, str]:
    """The viewer's heading and caption (Markdown) for ``source``, in the current language."""
    from .text import md_plain

    return _(source.title), _caption(source, md_plain(source.name))


def head_pieces(source: Source) -> list[str]:
    """The caption's visible text, piece by piece (plain, bold, plain …), as the page draws it."""
    return _caption(source, source.name).split("**")


def switch_view(source: Source) -> dict[str, Any] | None:
    """What the viewer's player needs to switch runs itself when the list picks one (None: the list does not decide)."""
    if not source.bundled:
        return None
    from .pickers import titles

    return {"route": PATH.lstrip("/"), "lang": language(), "name": source.key.removeprefix("bundled:"),
            "title": _(source.title), "caption": head_pieces(source),
            "names": {title: name for name, title in titles().items()}}


def switch_mode(source: Source, asked: str | None) -> str:
    """The harness the page shows ``source`` in when ``asked`` is the one shown now (``ui.pickers.url_mode``)."""
    from .pickers import available_modes

    modes = available_modes(source)
    if asked in modes and asked in MODES:
        return str(asked)
    return PARALLEL if PARALLEL in modes else modes[-1]


def run_text(name: str, lang: str | None, asked: str | None) -> tuple[str, dict[str, Any]]:
    """(the bundled run's player document without its view, the page's head and harness for it)."""
    from .documents import source_document

    with use_language(normalize_lang(lang)):
        source = bundled(name)
        mode = switch_mode(source, asked)
        title, _caption = head_words(source)
        text = source_document(source, {}).shared.text()
        return text, {"name": name, "title": title, "caption": head_pieces(source), "mode": mode}


async def viewer(request: Request) -> Response:
    """``?name=&lang=&mode=`` in; the document's JSON out, the page's head in ``X-S08-Head`` (URL-encoded JSON)."""
    name, lang, mode = (request.query_params.get(k) for k in ("name", "lang", "mode"))
    if not name or name not in bundled_names():
        return JSONResponse({"error": "no bundled scenario of that name"}, status_code=404)
    try:
        text, head = await run_in_threadpool(run_text, name, lang, mode)
    except SimulatorError as exc:  # a broken bundled file: the page's rerun says so in one line
        return JSONResponse({"error": str(exc)}, status_code=422)
    return Response(text, media_type="application/json", headers={
        "X-S08-Head": quote(json.dumps(head, ensure_ascii=False, separators=(",", ":"))), "Cache-Control": "no-store"})


ROUTE = Route(PATH, viewer, methods=["GET"])
