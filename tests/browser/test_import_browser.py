"""A Claude Code transcript dropped on the viewer's file picker in headless Chromium opens as a trace."""

from __future__ import annotations

import pytest
from browser import player_ready, screenshot, settle, where
from claude_code_transcripts import SESSION, current_session

from simulator.importers import transcript_trace

pytestmark = pytest.mark.browser


def test_the_picker_takes_a_jsonl_transcript(browser_page, app_url, tmp_path):
    page = browser_page
    path = current_session().write(tmp_path / f"{SESSION}.jsonl")
    trace = transcript_trace(path.name, path.read_bytes())
    page.goto(f"{app_url}/viewer?scenario=multi-agent")
    picker = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    picker.wait_for(state="attached")
    assert ".jsonl" in (picker.get_attribute("accept") or "")
    picker.set_input_files(str(path))
    page.get_by_role("heading", name=trace.meta["title"]).wait_for()
    settle(page)
    player_ready(page)
    assert where(page).startswith(f"Step 0 of {len(trace.events) - 1}")
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert page.locator("text=Traceback").count() == 0
    assert "pytest -q" in page.locator("[data-testid='s08-timeline'] svg").first.text_content()
    screenshot(page, "viewer-claude-code-import")
