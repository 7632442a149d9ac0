"""The viewer in headless Chromium against ``streamlit run``: step through, and watch the views change."""

from __future__ import annotations

import re

import pytest
from browser import screenshot, settle

from simulator import load_scenario, run_scenario

pytestmark = pytest.mark.browser

LIT = "#fde047"  # the diagram's highlight (views.diagram.HIGHLIGHT)


def step_text(page) -> str:
    return page.get_by_text(re.compile(r"^Step \d+ of \d+")).first.inner_text()


def wait_step(page, step: int, last: int) -> None:
    page.get_by_text(f"Step {step} of {last}", exact=False).first.wait_for()
    settle(page)
    assert re.search(rf"[?&]step={step}(&|$)", page.url), page.url


def timeline_png(page) -> bytes:
    return page.locator("[data-testid='stVegaLiteChart']").first.screenshot()


def timeline_text(page) -> str:
    return page.locator("[data-testid='stVegaLiteChart'] svg").first.text_content()


def lit_nodes(page) -> list[str]:
    """Names of the diagram's highlighted nodes (without the step key the page appends to every name)."""
    return page.evaluate(
        """(lit) => Array.from(document.querySelectorAll("[data-testid='stGraphVizChart'] g.node"))
            .filter(n => { const s = n.querySelector('path,polygon,ellipse'); return s && s.getAttribute('fill') === lit; })
            .map(n => n.querySelector('title').textContent.replace(/_\\d+$/, ''))""", LIT)


def diagram_text(page) -> str:
    return page.locator("[data-testid='stGraphVizChart']").first.inner_text()


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button:visible").first.click()


@pytest.fixture(scope="module")
def multi():
    return run_scenario(load_scenario("multi-agent-one-slot"), "parallel")


def test_step_through_multi_agent_and_watch_timeline_diagram_and_queue_change(browser_page, app_url, multi):
    page = browser_page
    last = len(multi.events) - 1
    enqueue = next(ev["seq"] for ev in multi.events if ev["kind"] == "enqueue")
    drain = next(ev["seq"] for ev in multi.events if ev["kind"] == "drain" and ev["delivered"])

    page.goto(f"{app_url}/?scenario=multi-agent-one-slot&mode=parallel&step=0")
    wait_step(page, 0, last)
    page.get_by_role("heading", name="Sub-agents A and B in the background, then C").wait_for()
    start_png, start_diagram = timeline_png(page), diagram_text(page)
    assert lit_nodes(page) == ["start"]
    assert "background threads: none yet" in start_diagram
    assert page.get_by_text("Empty right now.").count() == 1
    screenshot(page, "viewer-multi-agent-one-slot-step-00")

    click(page, "btn_next")
    wait_step(page, 1, last)
    assert lit_nodes(page) == ["drain"]

    page.goto(f"{app_url}/?scenario=multi-agent-one-slot&mode=parallel&step={enqueue}")
    wait_step(page, enqueue, last)
    assert lit_nodes(page) == ["wait"]  # the main thread waits; a thread has finished
    assert "notification queue: 1" in diagram_text(page)
    page.get_by_text("1 notification waiting for the next drain").wait_for()
    assert timeline_png(page) != start_png  # the cursor moved on and the past is drawn in full colour
    assert "t = 30.6 s" in timeline_text(page)
    screenshot(page, f"viewer-multi-agent-one-slot-step-{enqueue:02d}-enqueue")

    click(page, "btn_next_drain")
    wait_step(page, drain, last)
    assert lit_nodes(page) == ["drain"]
    assert "1 result injected" in diagram_text(page)
    code = page.locator("[data-testid='stCode']").filter(has_text="<background-results>").first
    assert code.inner_text().startswith("<background-results>\n[bg:")
    page.get_by_text("Drain at this step").wait_for()
    screenshot(page, f"viewer-multi-agent-one-slot-step-{drain:02d}-drain")


def test_keyboard_shortcuts_move_the_step(browser_page, app_url, multi):
    page = browser_page
    last = len(multi.events) - 1
    page.goto(f"{app_url}/?scenario=multi-agent-one-slot&step=5")
    wait_step(page, 5, last)
    page.get_by_role("heading", level=1).first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    wait_step(page, 6, last)
    page.keyboard.press("ArrowLeft")
    wait_step(page, 5, last)
    page.keyboard.press("End")
    wait_step(page, last, last)
    page.keyboard.press("Home")
    wait_step(page, 0, last)


def test_a_permalink_opens_at_its_step_and_the_serial_main_thread_is_blocked(browser_page, app_url):
    page = browser_page
    trace = run_scenario(load_scenario("tests-and-docs"), "serial")
    blocked = next(ev["seq"] for ev in trace.events if ev["kind"] == "tool_start" and ev.get("blocking"))
    page.goto(f"{app_url}/?scenario=tests-and-docs&mode=serial&step={blocked}")
    wait_step(page, blocked, len(trace.events) - 1)
    assert page.locator("[data-testid='stRadio'] input[type=radio]:checked + div, "
                        "[data-testid='stRadio'] label:has(input:checked)").first.inner_text().startswith("serial")
    assert "BLOCKED" in diagram_text(page)
    page.get_by_text("blocked: a command runs on the main thread").first.wait_for()
    screenshot(page, "viewer-tests-and-docs-serial-blocked")


def test_play_moves_forward_by_itself(browser_page, app_url, multi):
    page = browser_page
    last = len(multi.events) - 1
    page.goto(f"{app_url}/?scenario=multi-agent-one-slot&step=0")
    wait_step(page, 0, last)
    click(page, "btn_play")
    page.get_by_text(re.compile(rf"^Step [3-9] of {last}")).first.wait_for(timeout=20_000)
    click(page, "btn_play")  # pause
    settle(page)
    held = step_text(page)
    page.wait_for_timeout(2500)
    assert step_text(page) == held


def test_twenty_tasks_stay_readable(browser_page, app_url):
    page = browser_page
    trace = run_scenario(load_scenario("fan-out-20"), "parallel")
    step = max(ev["seq"] for ev in trace.events if ev["kind"] == "spawn") + 1  # all 20 started
    page.goto(f"{app_url}/?scenario=fan-out-20&step={step}")
    wait_step(page, step, len(trace.events) - 1)
    box = page.locator("[data-testid='stVegaLiteChart']").first.bounding_box()
    assert box["height"] >= 21 * 20  # one readable row per lane
    assert "background threads: 20" in diagram_text(page)
    screenshot(page, "viewer-fan-out-20")


def test_a_bad_upload_shows_one_line_and_keeps_the_session(browser_page, app_url, tmp_path, multi):
    page = browser_page
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "s08-scenario", "version": 1, "name": "x", "prompt": "p", "turns": 3}')
    page.goto(f"{app_url}/?scenario=multi-agent-one-slot&step=4")
    wait_step(page, 4, len(multi.events) - 1)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    alert = page.locator("[data-testid='stAlertContentError']").first
    alert.wait_for()
    lines = [line for line in alert.inner_text().splitlines() if line.strip() and line.strip() != "error"]
    assert lines == ["broken.json: turns must be a list, not int"]  # one line; the icon's name aside
    settle(page)
    page.get_by_role("heading", name="Sub-agents A and B in the background, then C").wait_for()
    assert page.locator("text=Traceback").count() == 0
    screenshot(page, "viewer-bad-upload", full=False)


def test_the_embed_view_has_no_sidebar(browser_page, app_url, multi):
    page = browser_page
    page.goto(f"{app_url}/embed?scenario=multi-agent-one-slot&mode=parallel&step=30&embed=true")
    wait_step(page, 30, len(multi.events) - 1)
    assert page.locator("[data-testid='stSidebar']").count() == 0 or \
        not page.locator("[data-testid='stSidebar']").first.is_visible()
    assert page.locator("[data-testid='stGraphVizChart']").count() == 1
    click(page, "btn_next")
    wait_step(page, 31, len(multi.events) - 1)
    screenshot(page, "viewer-embed", full=False)
