"""What-if without a rerun: ``POST /s08/whatif`` plays a changed scenario and answers with the player's document.

The Compare page registers the scenario it shows (``register``) and gives its
What-if controls the token. A change in the controls asks this route for the
changed runs' player document, which the player draws at once; the page's own
rerun (its figures, its verdict, the address) follows after. The route plays only
scenarios a page has registered, so it runs nothing a page would not have run.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from threading import Lock
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.errors import InputError, SimulatorError
from simulator.i18n import normalize_lang, use_language
from simulator.whatif import apply_changes, diff, encode_changes

PATH = "/s08/whatif"
MAX_BODY = 256_000
_KEEP = 256
_scenarios: OrderedDict[str, dict[str, Any]] = OrderedDict()
_lock = Lock()


def register(data: dict[str, Any]) -> str:
    """A token for scenario ``data`` (the same data, the same token), kept for the route."""
    token = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]
    with _lock:
        _scenarios[token] = data
        _scenarios.move_to_end(token)
        while len(_scenarios) > _KEEP:
            _scenarios.popitem(last=False)
    return token


def changed_scenario(data: dict[str, Any], values: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the changed scenario, its change set) for the controls' ``values``; ``InputError`` if they are not valid."""
    if not isinstance(values, dict) or not all(isinstance(values.get(k, {}), dict) for k in ("commands", "settings")) \
            or not all(isinstance(v, dict) for v in (values.get("commands") or {}).values()):
        raise InputError("What-if", "the values must be an object of commands and settings")
    changes = diff(data, values)
    return apply_changes(data, changes), changes


def registered(token: str) -> dict[str, Any] | None:
    """The scenario a page registered under ``token``, or None."""
    with _lock:
        return _scenarios.get(token)


def document_text(data: dict[str, Any], values: Any, lang: str | None) -> tuple[str, str]:
    """(the player document's text without its view, the encoded change set) for ``values`` of ``data``."""
    # imported here: server.py imports this module before Streamlit's runtime exists
    from .documents import scenario_document

    with use_language(normalize_lang(lang)):
        changed, changes = changed_scenario(data, values)
        return scenario_document(changed, {}).shared.text(), encode_changes(changes)


async def _body(request: Request) -> bytes | None:
    """The request's body, or None once it is longer than ``MAX_BODY`` (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


async def whatif(request: Request) -> Response:
    """``{"token", "values", "lang"}`` in; the document's JSON out, the change set in ``X-S08-Changes``."""
    body = await _body(request)
    if body is None:
        return JSONResponse({"error": "request too large"}, status_code=413)
    try:
        ask = json.loads(body)
        token, values, lang = ask["token"], ask["values"], ask.get("lang")
        if not isinstance(token, str):
            raise TypeError("token")
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "expected {\"token\", \"values\", \"lang\"}"}, status_code=400)
    data = registered(token)
    if data is None:
        return JSONResponse({"error": "unknown scenario"}, status_code=404)
    try:
        text, changes = await run_in_threadpool(document_text, data, values, lang)
    except SimulatorError as exc:  # a value out of the scenario's bounds (the page's rerun says so in one line)
        return JSONResponse({"error": str(exc)}, status_code=422)
    return Response(text, media_type="application/json", headers={"X-S08-Changes": changes, "Cache-Control": "no-store"})


ROUTE = Route(PATH, whatif, methods=["POST"])
