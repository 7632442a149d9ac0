"""Lessons in a real browser: answer a prediction, then follow the lesson's link to the viewer's step."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from views.i18n import t
from views.lessons import lesson

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "artifacts" / "screenshots"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _need_browser() -> None:
    missing = [] if Path(CHROMIUM).exists() else [CHROMIUM]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        message = f"browser test needs {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lessons_app_url() -> Iterator[str]:
    """``streamlit run streamlit_app.py`` on a free port, stopped after the module."""
    _need_browser()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited early: {proc.stderr.read() if proc.stderr else ''}")
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not start within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture()
def page(lessons_app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        try:
            yield pg
        finally:
            context.close()
            browser.close()


def _settle(pg) -> None:
    pg.wait_for_selector(IDLE, timeout=60_000)
    pg.wait_for_timeout(300)
    pg.wait_for_selector(IDLE, timeout=60_000)


def test_answer_a_prediction_then_open_the_viewer_at_the_revealed_step(page, lessons_app_url):
    view = lesson("queue")
    pred = view.predictions[0]
    right = next(t(o.label, "en", **o.fmt) for o in pred.options if o.value == pred.answer)
    page.goto(f"{lessons_app_url}/lessons?lesson=queue&lang=en")
    _settle(page)
    page.get_by_role("heading", name=t("lesson.queue.title", "en")).wait_for()

    page.locator(f".st-key-pick-queue-{pred.key}").get_by_text(right, exact=True).click()
    _settle(page)
    page.locator(f".st-key-check-queue-{pred.key} button").click()
    _settle(page)
    page.get_by_text("Right!", exact=False).first.wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "lessons-prediction-right.png"), full_page=True)

    caption = t(pred.reveal.caption, "en", **pred.reveal.fmt)
    link = page.locator("[data-testid='stPageLink-NavLink']").filter(
        has_text=f"{caption} · {t('link.step', 'en', step=pred.reveal.step)}").first
    link.click()
    page.wait_for_url(re.compile(r"/viewer\?"), timeout=30_000)
    _settle(page)
    url = page.url
    assert "scenario=finish-during-model-call" in url and "mode=parallel" in url
    assert f"step={pred.reveal.step}" in url
    page.get_by_text(re.compile(rf"Step {pred.reveal.step} of \d+")).first.wait_for()
    page.screenshot(path=str(SHOTS / "lessons-link-to-viewer.png"), full_page=True)


def test_wrong_answer_and_chinese_from_the_url(page, lessons_app_url):
    pred = lesson("blocking").predictions[0]
    wrong = next(o for o in pred.options if o.value != pred.answer)
    page.goto(f"{lessons_app_url}/lessons?lesson=blocking&lang=zh")
    _settle(page)
    page.get_by_role("heading", name=t("lesson.blocking.title", "zh")).wait_for()
    page.locator(f".st-key-pick-blocking-{pred.key}").get_by_text(t(wrong.label, "zh", **wrong.fmt),
                                                                   exact=True).click()
    _settle(page)
    page.locator(f".st-key-check-blocking-{pred.key} button").click()
    _settle(page)
    page.get_by_text("不太对", exact=False).first.wait_for()
    page.screenshot(path=str(SHOTS / "lessons-zh-wrong.png"), full_page=True)
