"""A short load test of the app: five browser sessions step through scenarios at once, without an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devtools.chromium import browser_missing
from devtools.load import run_load

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


def test_five_sessions_step_at_once_without_errors(tmp_path: Path) -> None:
    why = browser_missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test needs a browser: {why}")
        pytest.skip(why)
    res = run_load(sessions=5, steps=5, log_dir=tmp_path)
    assert res.errors == []
    assert res.completed == 5
    assert len(res.step_s) == 25 and len(res.load_s) == 5
