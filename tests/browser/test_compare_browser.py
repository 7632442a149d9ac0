"""Compare in headless Chromium: two timelines on one axis, one cursor for both, and What-if changing both."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import player_ready, screenshot, settle

from simulator import load_scenario, run_scenario
from simulator.whatif import decode_changes

pytestmark = pytest.mark.browser


def totals(page) -> dict[str, str]:
    """Each run's ``… s in all`` figure, by harness."""
    return {m: page.locator(f"[data-testid='s08-run-{m}'] .fig").inner_text() for m in ("serial", "parallel")}


def timeline_boxes(page) -> list[dict]:
    return [page.locator(f"[data-testid='s08-run-{m}'] [data-testid='s08-timeline']").bounding_box()
            for m in ("serial", "parallel")]


def test_both_runs_share_one_axis_and_one_cursor(browser_page, app_url):
    serial = run_scenario(load_scenario("tests-and-docs"), "serial")
    parallel = run_scenario(load_scenario("tests-and-docs"), "parallel")
    page = browser_page
    page.goto(f"{app_url}/compare?scenario=tests-and-docs&lang=en")
    settle(page)
    player_ready(page)
    assert totals(page) == {"serial": f"{serial.duration:.1f} s in all", "parallel": f"{parallel.duration:.1f} s in all"}
    a, b = timeline_boxes(page)
    assert abs(a["x"] - b["x"]) < 1 and abs(a["width"] - b["width"]) < 1
    where = page.locator("[data-testid='s08-compare'] .where")
    assert where.inner_text() == "t = 0.0 s on both timelines"
    before = [page.locator(f"[data-testid='s08-run-{m}'] .s08p-runstate").inner_text() for m in ("serial", "parallel")]
    for _ in range(4):
        page.get_by_role("button", name="Next moment").click()
    page.wait_for_function("""() => { const t = new URLSearchParams(location.search).get('t');
        return t !== null && document.querySelector("[data-testid='s08-compare'] .where").textContent.startsWith(
            't = ' + t + ' s'); }""")  # the address follows the cursor a moment later
    t = float(parse_qs(urlsplit(page.url).query)["t"][0])
    assert t > 0 and where.inner_text() == f"t = {t:.1f} s on both timelines"
    after = [page.locator(f"[data-testid='s08-run-{m}'] .s08p-runstate").inner_text() for m in ("serial", "parallel")]
    assert after != before
    screenshot(page, "compare-tests-and-docs")


def test_what_if_a_shorter_test_run_changes_both_timelines(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/compare?scenario=tests-and-docs&lang=en")
    settle(page)
    player_ready(page)
    before = totals(page)
    page.evaluate("""() => document.querySelectorAll("[data-testid='s08-timeline']").forEach((c, i) => {
        c.dataset.seen = String(i); })""")
    duration = page.locator(".st-key-wi_dur input")
    duration.fill("20")
    duration.press("Enter")
    page.wait_for_function("location.search.includes('changes=')", timeout=30_000)
    settle(page)
    player_ready(page)
    after = totals(page)
    assert after["serial"] != before["serial"] and after["parallel"] != before["parallel"]
    # the charts already drawn took the new runs' data (no new chart to compile): the tests' bar now ends at 20.6 s
    serial = page.locator("[data-testid='s08-run-serial'] [data-testid='s08-timeline']")
    assert serial.get_attribute("data-seen") == "0"
    page.wait_for_function("""() => [...document.querySelectorAll(
        "[data-testid='s08-run-serial'] svg path[aria-label*='pytest']")].some((p) => p.getAttribute('aria-label').includes('to (s): 20.6'))""")
    changes = decode_changes(parse_qs(urlsplit(page.url).query)["changes"][0])
    assert changes == {"commands": {"pytest tests/ -v": {"duration_s": 20.0}}}
    page.get_by_text(re.compile(r"before → after")).first.wait_for()
    screenshot(page, "compare-whatif")

    page.goto(page.url)  # the address keeps the change
    settle(page)
    player_ready(page)
    assert totals(page) == after
