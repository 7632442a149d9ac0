"""The viewer route over HTTP: a bundled run's player document and the page's heading for it, and what the
viewer page tells its player so that the list's next pick is drawn from the browser."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from apptest_pages import open_script, page_path, plain, player_doc
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator import load_scenario
from simulator.i18n import use_language
from simulator.inputs import bundled, bundled_names
from ui.documents import source_document
from ui.pickers import source_names
from ui.viewer_route import PATH, ROUTE


@pytest.fixture
def client() -> TestClient:
    return TestClient(Starlette(routes=[ROUTE]))


def ask(client: TestClient, **params: str):
    return client.get(PATH, params=params)


def head(answer) -> dict:
    return json.loads(unquote(answer.headers["x-s08-head"]))


def test_a_bundled_run_comes_with_the_page_heading_and_is_the_document_the_page_draws(client):
    answer = ask(client, name="fan-out-20", lang="en", mode="parallel")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert "view" not in answer.json() and set(answer.json()["runs"]) == {"serial", "parallel"}
    assert head(answer) == {"name": "fan-out-20", "title": load_scenario("fan-out-20").title, "mode": "parallel",
                            "caption": ["Scenario ", "fan-out-20", " · one step per event, counted from 0"]}
    # the very text the page's rerun hands its player afterwards (so the player need not draw it twice)
    with use_language("en"):
        page = source_document(bundled("fan-out-20"), {"kind": "viewer"}).text()
    assert page.startswith(answer.text[:-1] + ',"view":')


def test_the_heading_and_the_document_are_in_the_asked_language(client):
    answer = ask(client, name="timeout", lang="ja", mode="serial")
    with use_language("ja"):
        from simulator.i18n import _

        assert head(answer)["title"] == _(load_scenario("timeout").title) != load_scenario("timeout").title
        assert answer.json()["strings"]["next"] == _("Next")
    assert head(answer)["caption"][0] == "シナリオ " and head(answer)["mode"] == "serial"


def test_a_recording_is_a_recording_and_a_harness_it_cannot_show_falls_back_to_parallel(client):
    recording = next(n for n in bundled_names() if n.startswith("rec-"))
    answer = ask(client, name=recording, lang="en", mode="sideways")
    assert answer.status_code == 200
    assert head(answer)["mode"] == "parallel" and head(answer)["caption"][0] == "Recording "


@pytest.mark.parametrize("params", [{"name": "no-such-run"}, {"name": "../../etc/passwd"}, {}])
def test_only_bundled_runs_are_served(client, params):
    answer = ask(client, **params)
    assert answer.status_code == 404 and "x-s08-head" not in answer.headers


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_viewer_tells_its_player_the_list_its_heading_and_the_route(lang):
    at = open_script(page_path("viewer"), scenario="multi-agent", lang=lang)
    switch = player_doc(at)["view"]["switch"]
    picker = at.selectbox(key="scenario")
    assert set(switch["names"]) == set(picker.options)  # every entry by the words the list shows
    assert [switch["names"][o] for o in picker.options] == source_names()
    assert switch["name"] == "multi-agent" and switch["lang"] == lang and switch["route"] == PATH.lstrip("/")
    assert switch["title"] == plain(at.title[0].value)
    shown = plain(at.caption[0].value).replace("**", "")
    assert "".join(switch["caption"]) == shown and len(switch["caption"]) == 3

