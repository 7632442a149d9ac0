"""Debian's Chromium for browser tests and benchmarks: where it is, how to start it, whether it is there."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Headless flags for a closed network (no background requests) and a root user (no sandbox).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def browser_missing() -> str | None:
    """Why a browser cannot be driven here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing"
    return None
