"""The small inputs of issue 13 that cost a lot or gave tracebacks, uploaded to the viewer: one line each.

Each names the file and the field, and shows neither a traceback nor a path of the server.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from apptest_pages import ROOT, open_script, page_path, plain

from simulator import load_scenario, run_scenario

pytestmark = pytest.mark.timeout(120)

SCENARIO = json.loads(Path(load_scenario("multi-agent").path).read_text(encoding="utf-8"))
TRACE = json.loads(run_scenario(load_scenario("timeout"), "parallel").to_json())


def _changed(doc: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> bytes:
    doc = copy.deepcopy(doc)
    change(doc)
    return json.dumps(doc, allow_nan=True).encode()


def _first_msg(doc: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in doc["events"] if e.get("msg"))["msg"]


BAD: list[tuple[str, bytes, str]] = [
    ("retries 10000000", _changed(SCENARIO, lambda d: d.setdefault("settings", {}).update(retries=10_000_000)),
     "settings.retries"),
    ("a setting of 1e308", _changed(SCENARIO, lambda d: d.setdefault("settings", {}).update(model_latency_s=1e308)),
     "settings.model_latency_s"),
    ("t 1e300", _changed(TRACE, lambda d: d["events"][-1].update(t=1e300)), f"events[{len(TRACE['events']) - 1}].t"),
    ("a lone surrogate", json.dumps(SCENARIO).replace('"name": "', '"name": "\\ud800', 1).encode(), "name"),
    ("version 1.0", _changed(TRACE, lambda d: d.update(version=1.0)), "version 1.0"),
    ("a text block that is a number", _changed(TRACE, lambda d: _first_msg(d).update(
        content=[{"type": "text", "text": 5}])), "content[0].text"),
]


@pytest.mark.parametrize(("data", "field"), [(d, f) for _, d, f in BAD], ids=[name for name, _, _ in BAD])
def test_a_bad_upload_is_one_line_naming_the_file_and_the_field(data: bytes, field: str) -> None:
    at = open_script(page_path("viewer"))
    at.file_uploader(key="upload").set_value(("bad.json", data, "application/json")).run()
    assert not at.exception, [e.value for e in at.exception]
    [error] = [plain(e.value) for e in at.error]
    assert error.startswith("bad.json: ") and field in error, error
    assert "\n" not in error and "Traceback" not in error and str(ROOT) not in error and "/tmp" not in error
