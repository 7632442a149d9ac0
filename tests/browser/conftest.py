"""Browser-test set-up: a real ``streamlit run`` server and headless Chromium (Debian's, via Playwright).

When Chromium or Playwright is missing the tests are skipped, except under
``CI=true``, where they fail: a CI run must not pass without its browser tests.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from devtools.appserver import streamlit_server
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS, browser_missing


def require_browser() -> None:
    """Skip (or, with CI=true, fail) when Chromium or Playwright is not there."""
    why = browser_missing()
    if why:
        message = f"browser tests need a browser: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """``streamlit run server.py`` (the README's way: the app, warmed) on a free port for the whole session."""
    require_browser()
    with tempfile.TemporaryFile(mode="w+") as log:
        try:
            with streamlit_server(log) as (base, _proc):
                yield base
        except RuntimeError as exc:
            pytest.fail(str(exc))


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Chromium for one test module (closed after it, so other modules may start Playwright themselves)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def browser_page(chromium, app_url):
    """A fresh page (1600 x 1200, English) in the shared browser."""
    context = chromium.new_context(viewport={"width": 1600, "height": 1200}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()
