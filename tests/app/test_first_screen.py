"""The start page's first screen in the page's HTML: the same words and document as the Streamlit page, in the
page's language, safe inside its script element, only on the start page, and Streamlit's own script held back."""

from __future__ import annotations

import json
import re

import pytest
from apptest_pages import APP, open_script, player_doc
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from simulator.i18n import LANGS, use_language
from ui.first_screen import fragment, page_language, start_screen, with_first_screen
from ui.preload import LINKS, PreloadPlayer, takes_gzip

STREAMLIT_PAGE = ('<!DOCTYPE html><html><head><link rel="stylesheet" href="./static/css/index.css">'
                  '<script type="module" crossorigin src="./static/js/index.abc.js"></script>'
                  '<link rel="modulepreload" crossorigin href="./static/js/react.js"></head>'
                  '<body><div id="root"></div></body></html>')


def data_of(page: bytes) -> dict:
    """The first screen's data, as the browser's ``JSON.parse`` reads it."""
    found = re.search(rb'<script type="application/json" id="s08-first-data">(.*?)</script>', page, re.S)
    assert found, "no first screen"
    return json.loads(found.group(1).decode())


@pytest.mark.parametrize("query,header,lang", [
    ("lang=ja", "zh-CN", "ja"), ("", "zh-CN,zh;q=0.9,en;q=0.5", "zh"), ("", None, "en"), ("lang=xx", "ja", "ja"),
    ("lang=en&mode=serial", "ja", "en"), ("lang=en&lang=ja", None, "ja"),  # the last one, as Streamlit reads it
])
def test_the_first_screen_speaks_the_language_the_page_will(query, header, lang):
    assert page_language(query, header) == lang


@pytest.mark.parametrize("query", ["scenario=multi-agent", "step=4", "embed=true", "lang=en&scenario=timeout",
                                   "step=", "scenario="])
def test_addresses_that_open_another_page_get_none(query):
    assert page_language(query, "en") is None


@pytest.mark.parametrize("lang", list(LANGS))
def test_its_words_and_document_are_the_start_pages_in_each_language(lang):
    data = data_of(fragment(lang))
    with use_language(lang):
        screen, doc = start_screen()
    assert data["screen"]["title"] == screen.title and data["screen"]["intro"] == screen.intro
    assert [m["value"] for m in data["screen"]["metrics"]] == [m.value for m in screen.metrics]
    assert data["lang"] == lang and data["doc"] == json.loads(doc.text())
    assert data["doc"]["view"] == {"kind": "compare", "t": screen.t} and set(data["doc"]["runs"]) == {"serial", "parallel"}
    assert [link["href"] for link in data["screen"]["links"]] == [
        f"./lessons?lesson=blocking&lang={lang}", f"./viewer?scenario=tests-and-docs&mode=parallel&lang={lang}"]


def test_the_streamlit_page_says_what_the_first_screen_says():
    at = open_script(APP, lang="zh")  # / opens the start page
    data = data_of(fragment("zh"))["screen"]
    assert at.title[0].value == data["title"]
    assert [m.label for m in at.metric] == [m["label"] for m in data["metrics"]]
    assert [m.value for m in at.metric] == [m["value"] for m in data["metrics"]]
    assert player_doc(at)["view"]["t"] == data_of(fragment("zh"))["doc"]["view"]["t"]
    shown = [m.value for m in at.markdown]
    assert all(data[k] in shown for k in ("intro", "why", "terms"))


def test_no_text_can_close_its_script_element():
    page = fragment("en")
    data = re.search(rb'id="s08-first-data">(.*?)</script>', page, re.S).group(1)
    assert b"<" not in data  # the document holds "<background-results>": written \u003c, read back the same
    assert "<background-results>" in json.dumps(data_of(page), ensure_ascii=False)


def test_it_goes_first_in_the_head_and_holds_streamlits_script_back():
    page = with_first_screen(STREAMLIT_PAGE.encode(), "en")
    head = page[: page.index(b"</head>")]
    assert head.index(b"s08-first-data") < head.index(b"index.css")  # its script does not wait for the stylesheet
    assert b'<script type="s08-later" crossorigin src="./static/js/index.abc.js">' in head
    assert b'<link rel="s08-later" crossorigin href="./static/js/react.js">' in head
    assert b'type="module"' not in page.replace(b'script.type = "module"', b"")
    assert with_first_screen(b"<p>no head</p>", "en") == b"<p>no head</p>"


def streamlit_answer(request) -> Response:
    """Streamlit's way with its page: a 304 to a request that names its version, else the page with its validators."""
    if request.headers.get("if-none-match") or request.headers.get("if-modified-since"):
        return Response(status_code=304)
    return HTMLResponse(STREAMLIT_PAGE, headers={"etag": '"v1"', "last-modified": "Mon, 30 Nov 2026 10:00:00 GMT",
                                                 "accept-ranges": "bytes", "cache-control": "no-cache"})


def client() -> TestClient:
    routes = [Route(path, streamlit_answer) for path in ("/", "/start", "/viewer")]
    return TestClient(Starlette(routes=routes, middleware=[Middleware(PreloadPlayer)]))


@pytest.mark.parametrize("header,takes", [("gzip, deflate, br", True), ("gzip;q=0", False), ("br", False),
                                          ("*", True), ("identity", False), ("", False), ("gzip;q=0.5", True)])
def test_gzip_only_to_a_browser_that_takes_it(header, takes):
    assert takes_gzip(header) is takes


def test_the_server_gives_it_to_the_start_page_only_and_gzipped_when_asked():
    web = client()
    for path in ("/?lang=ja", "/start?lang=ja"):
        answer = web.get(path, headers={"Accept-Encoding": "gzip"})
        assert answer.headers["content-encoding"] == "gzip"
        assert answer.headers["vary"] == "Accept-Encoding, Accept-Language" and answer.content.count(LINKS) == 1
        assert data_of(answer.content)["screen"]["title"] == data_of(fragment("ja"))["screen"]["title"]
    raw = web.get("/", headers={"Accept-Encoding": "identity", "Accept-Language": "zh"})
    assert "content-encoding" not in raw.headers and int(raw.headers["content-length"]) == len(raw.content)
    assert data_of(raw.content)["screen"] == data_of(fragment("zh"))["screen"]
    for path in ("/viewer", "/?scenario=timeout", "/?embed=true"):
        page = web.get(path).content
        assert b"s08-first" not in page and b'type="module"' in page, path


def test_a_rewritten_page_is_never_revalidated_against_streamlits_file():
    web = client()
    answer = web.get("/?lang=ja", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 30 Nov 2026 10:00:00 GMT"})
    assert answer.status_code == 200 and data_of(answer.content)["lang"] == "ja"  # whole, not a 304
    assert not {"etag", "last-modified", "accept-ranges"} & set(answer.headers)
    assert answer.headers["cache-control"] == "no-cache"
