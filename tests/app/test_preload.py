"""The pages' preload links: added to HTML pages only, with a right length, and to nothing else."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.preload import LINKS, PreloadPlayer, with_links

PAGE = "<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"


def client() -> TestClient:
    routes = [Route("/", lambda r: HTMLResponse(PAGE)), Route("/viewer", lambda r: HTMLResponse(PAGE)),
              Route("/app/static/player.js", lambda r: PlainTextResponse("js")),
              Route("/_stcore/health", lambda r: HTMLResponse("<head>ok")),
              Route("/cached", lambda r: Response(status_code=304, media_type="text/html"))]
    return TestClient(Starlette(routes=routes, middleware=[Middleware(PreloadPlayer)]))


def test_the_links_go_first_in_the_head():
    page = with_links(PAGE.encode())
    assert page.startswith(b"<!DOCTYPE html><html><head>" + LINKS + b"<title>")
    assert page.count(b'rel="preload"') == 3 and b"vega.js" in page and b"player.css" in page
    assert with_links(b"<p>no head</p>") == b"<p>no head</p>"


def test_pages_get_them_with_their_new_length():
    web = client()
    for path in ("/?scenario=timeout", "/viewer", "/viewer?scenario=timeout"):  # the start page: test_first_screen.py
        answer = web.get(path)
        assert answer.status_code == 200 and answer.content == with_links(PAGE.encode())
        assert int(answer.headers["content-length"]) == len(answer.content)


def test_files_apis_and_unchanged_answers_pass_untouched():
    web = client()
    assert web.get("/app/static/player.js").text == "js"
    assert web.get("/_stcore/health").text == "<head>ok"
    assert web.post("/").status_code == 405
    assert web.get("/cached").status_code == 304
