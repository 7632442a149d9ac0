"""The Live page in a real browser: a scripted Messages API, real `sleep` commands, Stop, and the download.

``streamlit run`` is started with ``S08_LIVE=1``, a fake ``ANTHROPIC_API_KEY`` and
``ANTHROPIC_BASE_URL`` pointing at a local ``StubMessagesAPI``; the real SDK
talks to the stub over HTTP, and the commands the stub asks for really run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from browser import player_ready, screenshot, settle, where
from stub_messages_api import StubMessagesAPI, message, text, tool_use

from devtools.appserver import streamlit_server
from simulator.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

FAKE_KEY = "sk-ant-fake-browser-test-key-31415926"
STOP_PROMPT = "Run sleep 30 in the background and wait for it."
COUNTS = re.compile(r"(\d+) background tasks? started · (\d+) running · (\d+) waiting for a slot · "
                    r"(\d+) finished · (\d+) events · t = ([\d.]+) s")


def scripted_model(body: dict[str, Any]) -> dict[str, Any]:
    """The stub's answers: start the sleeps in the background, then end each turn and let the loop wait.

    The sleeps last long enough for the page to be seen in each phase even on a busy machine.
    """
    first = body["messages"][0]["content"]
    prompt = first if isinstance(first, str) else " ".join(b.get("text", "") for b in first)
    answered = sum(1 for m in body["messages"] if m["role"] == "assistant")
    if "sleep 30" in prompt:
        if not answered:
            return message([text("Starting it."), tool_use("background_run", {"command": "sleep 30"})])
        return message([text("It is still running; I will wait.")])
    if not answered:
        return message([text("Starting both."), tool_use("background_run", {"command": "sleep 3"}),
                        tool_use("background_run", {"command": "sleep 8"})])
    return message([text("Noted.")])


@pytest.fixture(scope="module")
def stub() -> Iterator[StubMessagesAPI]:
    with StubMessagesAPI(fallback=scripted_model) as api:
        yield api


@pytest.fixture(scope="module")
def live_app(chromium, stub: StubMessagesAPI) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``streamlit run`` with live runs on, talking to the stub; stopped after the module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_") and k != "S08_LIVE"}
    env.update(S08_LIVE="1", ANTHROPIC_API_KEY=FAKE_KEY, ANTHROPIC_BASE_URL=stub.url, S08_MODEL="claude-stub")
    with tempfile.TemporaryFile(mode="w+") as log:
        try:
            with streamlit_server(log, env=env) as (base, proc):
                yield base, proc
        except RuntimeError as exc:
            pytest.fail(str(exc))


@pytest.fixture()
def page(chromium, live_app):
    """A fresh page (a new browser session) that accepts downloads."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


def _button(pg, key: str):
    """The button of the widget keyed ``key`` (Streamlit also keeps a hidden copy for measuring)."""
    return pg.locator(f".st-key-{key} button").first


def _text(pg, key: str) -> str:
    """The text of the element keyed ``key`` now ("" if it is being redrawn); icon names left out."""
    from playwright.sync_api import Error

    try:
        raw = pg.locator(f".st-key-{key}").first.inner_text(timeout=2_000)
    except Error:
        return ""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    return "\n".join(line for line in lines if not re.fullmatch(r"[a-z_]+", line))


def _counts(pg) -> tuple[int, ...] | None:
    m = COUNTS.search(_text(pg, "live_counts"))
    return None if m is None else (*(int(g) for g in m.groups()[:5]), float(m.group(6)))


def _status(pg) -> str:
    return _text(pg, "live_status")


def _start(pg) -> None:
    """Press Start and wait for the run's panel; on failure, say what the page shows instead."""
    _button(pg, "live_start").click()
    try:
        pg.locator(".st-key-live_counts").wait_for(timeout=30_000)
    except Exception:
        screenshot(pg, "live-did-not-start")
        errors = [e.inner_text() for e in pg.locator("[data-testid='stAlertContentError']").all()]
        pytest.fail(f"the run did not show up after Start; errors on the page: {errors}")


def _sleeps_under(proc: subprocess.Popen[str], seconds: str) -> list[psutil.Process]:
    out = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if p.cmdline() == ["sleep", seconds] and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.Error:
            pass
    return out


def test_a_live_run_grows_on_screen_then_downloads_and_opens(page, live_app, stub, tmp_path):
    base, _proc = live_app
    page.goto(f"{base}/live")
    settle(page)
    page.get_by_role("heading", name="Live run").wait_for()
    assert "Live runs are on (S08_LIVE=1)" in page.inner_text("body")
    page.get_by_text("API key: from the environment (ANTHROPIC_API_KEY).").wait_for()

    _start(page)
    seen: list[tuple[int, ...]] = []
    statuses: list[str] = []
    shot_mid = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        counts = _counts(page)
        status = _status(page)
        if counts is not None and (not seen or counts != seen[-1]):
            seen.append(counts)
        if status and (not statuses or status != statuses[-1]):
            statuses.append(status)
        if counts is not None and counts[1] == 1 and counts[3] == 1 and not shot_mid:
            screenshot(page, "live-running", full=False)
            shot_mid = True
        if status.startswith("Done in "):
            break
        page.wait_for_timeout(150)
    if not (statuses and statuses[-1].startswith("Done in ")):
        screenshot(page, "live-not-done")
    assert statuses and statuses[-1].startswith("Done in "), (statuses, seen)
    settle(page)
    seen.append(_counts(page))
    # the page grew on its own while the sleeps ran (nobody touched it): tasks running, then one of two
    # finished while the other still ran, then both finished; the clock moved on in between
    phases = [(c[0], c[1], c[3]) for c in seen]
    assert (2, 1, 1) in phases and phases[-1] == (2, 0, 2), seen
    assert len({c[4] for c in seen}) >= 3, seen  # new events arrived at least twice
    assert [c[4] for c in seen] == sorted(c[4] for c in seen)  # events are only ever added
    assert any(s.startswith("Waiting for 1 background task ") for s in statuses), statuses
    assert shot_mid
    screenshot(page, "live-done")
    # the real SDK talked to the stub over HTTP, with the server's key
    assert stub.headers and all(FAKE_KEY in (h.get("x-api-key", "") + h.get("authorization", ""))
                                for h in stub.headers)

    with page.expect_download() as info:
        _button(page, "live_download").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    raw = target.read_text(encoding="utf-8")
    assert FAKE_KEY not in raw
    rec = scenario_from_dict(json.loads(raw), target.name)
    assert rec.is_recording and set(rec.commands) == {"sleep 3", "sleep 8"}
    # measured durations (a busy machine may start the clock of a task a little late)
    assert 2.5 < rec.commands["sleep 3"].duration_s < 8 and 7 < rec.commands["sleep 8"].duration_s < 14
    assert rec.source["llm"] == "anthropic" and rec.source["model"] == "claude-stub"

    _button(page, "live_open").click()
    # the step-through page is the app's default page, at "/"
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(viewer)?(\?|$)"), timeout=30_000)
    settle(page)
    page.get_by_role("heading", name=rec.title).wait_for()
    player_ready(page)
    assert where(page).startswith("Step 0 of ")
    page.keyboard.press("End")
    page.wait_for_function("!document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step 0 ')")
    screenshot(page, "live-opened-in-viewer")


def test_stop_ends_a_run_and_kills_its_sleep(page, live_app):
    base, proc = live_app
    page.goto(f"{base}/live")
    settle(page)
    page.get_by_text("No run yet in this browser session.").wait_for()  # a new session sees no other run
    box = page.locator(".st-key-live_prompt textarea")
    box.fill(STOP_PROMPT)
    box.press("Control+Enter")
    settle(page)
    _start(page)
    deadline = time.monotonic() + 30
    while not (_counts(page) or (0, 0))[1:2] == (1,):
        assert time.monotonic() < deadline, _status(page)
        page.wait_for_timeout(150)
    assert len(_sleeps_under(proc, "30")) == 1  # a real `sleep 30` runs under the server
    screenshot(page, "live-before-stop", full=False)
    clicked = time.monotonic()
    _button(page, "live_stop").click()
    statuses = [_status(page)]
    while not statuses[-1].startswith("Stopped") and time.monotonic() - clicked < 45:
        page.wait_for_timeout(200)
        status = _status(page)
        if status and status != statuses[-1]:
            statuses.append(status)
    assert statuses[-1].startswith("Stopped (you pressed Stop) after "), (statuses, _sleeps_under(proc, "30"))
    settle(page)
    assert _counts(page)[1] == 0
    deadline = time.monotonic() + 5
    while _sleeps_under(proc, "30") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _sleeps_under(proc, "30")
    _button(page, "live_download").wait_for(state="visible")  # what was recorded can be downloaded
    screenshot(page, "live-stopped")
