"""The What-if route over HTTP: a registered scenario, changed values in, the player's document and change set out."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from simulator import load_scenario
from simulator.whatif import apply_changes, current_values, decode_changes
from ui.documents import scenario_document
from ui.whatif_route import MAX_BODY, PATH, ROUTE, register


@pytest.fixture
def client() -> TestClient:
    return TestClient(Starlette(routes=[ROUTE]))


@pytest.fixture
def scenario() -> dict:
    return load_scenario("tests-and-docs").to_dict()


def ask(client: TestClient, token: str, values: dict, lang: str = "en"):
    return client.post(PATH, content=json.dumps({"token": token, "values": values, "lang": lang}))


def test_a_changed_duration_gives_both_changed_runs_and_the_change_set(client, scenario):
    values = current_values(scenario)
    values["commands"]["pytest tests/ -v"]["duration_s"] = 20.0
    answer = ask(client, register(scenario), values)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    changes = decode_changes(answer.headers["x-s08-changes"])
    assert changes == {"commands": {"pytest tests/ -v": {"duration_s": 20.0}}}
    doc = answer.json()
    assert "view" not in doc
    assert doc["runs"]["serial"]["duration"] == 22.0 and doc["runs"]["parallel"]["duration"] == 21.2
    # the very text the page's rerun hands its player afterwards (so the player need not draw it twice)
    page = scenario_document(apply_changes(scenario, changes), {"kind": "compare", "t": 0.0}).text()
    assert page.startswith(answer.text[:-1] + ',"view":')


def test_no_change_is_the_scenario_as_written(client, scenario):
    answer = ask(client, register(scenario), current_values(scenario))
    assert answer.status_code == 200 and answer.headers["x-s08-changes"] == ""
    assert answer.json()["runs"]["serial"]["duration"] == 62.0


def test_the_document_is_in_the_asked_language(client, scenario):
    answer = ask(client, register(scenario), current_values(scenario), lang="zh")
    assert answer.json()["strings"]["next_moment"] != ask(client, register(scenario), current_values(scenario)).json()[
        "strings"]["next_moment"]


def test_an_unknown_scenario_is_404(client, scenario):
    answer = ask(client, "0" * 32, current_values(scenario))
    assert answer.status_code == 404 and answer.json() == {"error": "unknown scenario"}


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"values": {}}', b'{"token": 5, "values": {}}'])
def test_a_malformed_request_is_400(client, body):
    assert client.post(PATH, content=body).status_code == 400


def test_a_request_too_large_is_413(client):
    assert client.post(PATH, content=b" " * (MAX_BODY + 1)).status_code == 413


@pytest.mark.parametrize("settings", [{"max_concurrent": 5000}, {"drain_policy": "sometimes"},
                                      {"model_latency_s": "slow"}])
def test_values_the_scenario_cannot_take_are_422_with_the_reason(client, scenario, settings):
    values = current_values(scenario)
    values["settings"].update(settings)
    answer = ask(client, register(scenario), values)
    assert answer.status_code == 422 and next(iter(settings)) in answer.json()["error"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e400"])
def test_numbers_json_allows_but_no_scenario_can_take_are_422(client, scenario, number):
    values = json.dumps(current_values(scenario)).replace('"exit_code": 0', f'"exit_code": {number}')
    body = f'{{"token": "{register(scenario)}", "values": {values}}}'
    answer = client.post(PATH, content=body)
    assert answer.status_code == 422 and "exit_code" in answer.json()["error"]


def test_a_declared_length_over_the_limit_is_413_unread(client):
    answer = client.post(PATH, content=b"{}", headers={"content-length": str(MAX_BODY + 1)})
    assert answer.status_code == 413


def test_values_of_the_wrong_shape_are_422(client, scenario):
    assert ask(client, register(scenario), {"commands": [], "settings": {}}).status_code == 422
    assert ask(client, register(scenario), {"commands": {"pytest tests/ -v": 3}}).status_code == 422


def test_only_post(client):
    assert client.get(PATH).status_code == 405


def test_the_same_scenario_has_the_same_token(scenario):
    assert register(scenario) == register(json.loads(json.dumps(scenario)))
    other = dict(scenario, name="other")
    assert register(other) != register(scenario)
