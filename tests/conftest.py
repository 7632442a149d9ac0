"""Shared test set-up: command-line options and the open-file limit.

Helpers shared by several test folders live in ``tests/support`` (on the import
path through ``pythonpath`` in ``pyproject.toml``, not through path edits).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from simulator.real.processes import raise_open_file_limit

raise_open_file_limit()  # the stress tests run hundreds of commands at once
# live runs keep their state (and recover it) here, never in the machine's own state directory;
# app servers started by the tests inherit it
os.environ.setdefault("S08_STATE_DIR", tempfile.mkdtemp(prefix="s08-test-state-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--stress-long", action="store_true", default=False,
                     help="run the long versions of the stress tests")
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from the current engine (then review the diff)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite the golden traces."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real credential, profile, endpoint or live switch leaks in from the machine."""
    for name in list(os.environ):
        if name.startswith("ANTHROPIC_") or name in ("S08_LIVE", "S08_MODEL"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path / "anthropic-config"))
