"""SIGKILL of the app's server during a live run: nothing survives, the port is free, the next server recovers.

``streamlit run`` with live runs on and the real SDK pointed at the local stub; a run
started in the browser starts setsid and double-forked children in its sandbox; the
server is killed with SIGKILL and started again on the same port with the same state
directory, and its first page view (of any page) reopens that state.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import settle
from sandboxing import require_sandbox
from scripted_attacker import Attacker, calls, say
from stub_messages_api import StubMessagesAPI
from survivors import SPAWNED, mark, sleepers, spawner, wait_until

from devtools.appserver import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

FAKE_KEY = "sk-ant-fake-crash-test-key-27182818"


@pytest.fixture
def app_env(tmp_path: Path) -> Iterator[tuple[Attacker, dict[str, str]]]:
    """The scripted model behind the stub, and a server environment with live runs on and its own state."""
    require_sandbox()
    script = Attacker()
    with StubMessagesAPI(fallback=script) as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_") and k != "S08_LIVE"}
        env.update(S08_LIVE="1", ANTHROPIC_API_KEY=FAKE_KEY, ANTHROPIC_BASE_URL=api.url, S08_MODEL="claude-stub",
                   S08_STATE_DIR=str(tmp_path / "state"))
        yield script, env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    """Whether a server could listen on ``port`` now (as a web server does, with SO_REUSEADDR)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _the_run(state: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The one run of the state directory: its run.json and its task records."""
    [run_dir] = (state / "runs").iterdir()
    tasks = [json.loads(p.read_text()) for p in (run_dir / "tasks").glob("*.json")]
    return json.loads((run_dir / "run.json").read_text()), tasks


def _start_run(chromium: Any, base: str, prompt: str) -> None:
    """Open the Live page in a new browser session, type ``prompt`` and press Start."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{base}/live")
        settle(page)
        box = page.locator(".st-key-live_prompt textarea")
        box.fill(prompt)
        box.press("Control+Enter")
        settle(page)
        page.locator(".st-key-live_start button").first.click()
        page.locator(".st-key-live_counts").wait_for(timeout=60_000)
    finally:
        context.close()


def _open_front_page(chromium: Any, base: str) -> str:
    """Open the app's front page once (the server's first script run, on a page that is not Live); its text."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1100}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{base}/")
        settle(page)
        return page.inner_text("body")
    finally:
        context.close()


def test_after_sigkill_of_the_app_nothing_survives_and_the_restarted_server_recovers(chromium, app_env):
    """Attack: SIGKILL the server while setsid children run; they must not hold on, nor keep its port."""
    script, env = app_env
    state = Path(env["S08_STATE_DIR"])
    marker = mark(50)
    prompt = script.script("crash the app", calls(("background_run", {"command": spawner(marker)})),
                           say("Waiting."))
    port = _free_port()
    with tempfile.TemporaryFile(mode="w+") as log:
        with streamlit_server(log, env=env, port=port) as (base, proc):
            _start_run(chromium, base, prompt)
            assert wait_until(lambda: len(sleepers(marker)) >= SPAWNED, 60), len(sleepers(marker))
            proc.kill()
            proc.wait(10)
            assert wait_until(lambda: not sleepers(marker), 5), f"{len(sleepers(marker))} of {SPAWNED} survived"
    info, [task] = _the_run(state)
    workdir = Path(info["workdir"])
    assert workdir.is_dir() and info["status"] == "running" and task["status"] == "running"  # nobody tidied up
    assert wait_until(lambda: _port_free(port), 10), "something still holds the app's port"

    with tempfile.TemporaryFile(mode="w+") as log:
        with streamlit_server(log, env=env, port=port) as (base, _proc):
            assert base.endswith(f":{port}")  # the server is back on its port
            text = _open_front_page(chromium, base)
            assert text and "Traceback" not in text
            assert wait_until(lambda: _the_run(state)[0]["status"] == "interrupted", 30)
    info, [task] = _the_run(state)
    assert task["status"] == "interrupted" and info["tasks_interrupted"] == 1
    assert not workdir.exists()
