"""Shared test set-up."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.background import raise_open_file_limit  # noqa: E402

raise_open_file_limit()  # the stress tests run hundreds of commands at once


def pytest_addoption(parser):
    parser.addoption("--stress-long", action="store_true", default=False,
                     help="run the long versions of the stress tests")
