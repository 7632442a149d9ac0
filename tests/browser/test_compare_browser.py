"""Compare in headless Chromium: two timelines on one axis, and What-if changing both at once."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import screenshot, settle

from simulator.whatif import decode_changes

pytestmark = pytest.mark.browser


def charts(page):
    return page.locator("[data-testid='stVegaLiteChart']")


def chart_svgs(page) -> list[str]:
    """The two timelines' SVG markup (serial first)."""
    return [charts(page).nth(i).locator("svg").first.inner_html() for i in range(2)]


def total_times(page) -> list[str]:
    return page.locator("h5").filter(has_text=re.compile(r"^(Serial|Parallel)")).all_inner_texts()


def test_changing_a_duration_changes_both_timelines(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/compare?scenario=tests-and-docs&t=15")
    settle(page)
    page.get_by_role("heading", name="Serial vs parallel").wait_for()
    assert total_times(page) == ["Serial (s07): every command blocks · 62.0 s",
                                 "Parallel (s08): slow commands in the background · 61.2 s"]
    verdict = page.get_by_text("Both harnesses take about the same time: 62.0 s in serial, 61.2 s in parallel.")
    verdict.wait_for()
    boxes = [charts(page).nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[0]["width"] == boxes[1]["width"]  # one time axis
    before = chart_svgs(page)
    screenshot(page, "compare-tests-and-docs")

    duration = page.locator(".st-key-wi_dur input")
    duration.fill("20")
    duration.press("Enter")
    page.get_by_text("Serial (s07): every command blocks · 22.0 s").wait_for()
    settle(page)
    assert total_times(page) == ["Serial (s07): every command blocks · 22.0 s",
                                 "Parallel (s08): slow commands in the background · 21.2 s"]
    after = chart_svgs(page)
    assert after[0] != before[0] and after[1] != before[1]
    query = parse_qs(urlsplit(page.url).query)
    assert decode_changes(query["changes"][0]) == {"commands": {"pytest tests/ -v": {"duration_s": 20.0}}}
    page.get_by_text("pytest tests/ -v: duration 60 s → 20 s").wait_for()
    screenshot(page, "compare-tests-and-docs-whatif-20s")

    page.goto(page.url)  # the link keeps the change
    settle(page)
    page.get_by_text("Serial (s07): every command blocks · 22.0 s").wait_for()


def test_raising_the_concurrency_limit_in_multi_agent(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/compare?scenario=multi-agent-one-slot&t=40")
    settle(page)
    page.get_by_text("With max_concurrent = 2 the parallel run would take 61.8 s").wait_for()
    before = chart_svgs(page)
    screenshot(page, "compare-multi-agent-one-slot")
    limit = page.locator(".st-key-wi_conc input")
    limit.fill("2")
    limit.press("Enter")
    page.get_by_text("Parallel (s08): slow commands in the background · 61.8 s").wait_for()
    settle(page)
    after = chart_svgs(page)
    assert after[1] != before[1]
    assert total_times(page)[0] == "Serial (s07): every command blocks · 83.4 s"
    screenshot(page, "compare-multi-agent-one-slot-whatif-2-slots")


def test_the_time_slider_moves_both_cursors(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/compare?scenario=tests-and-docs&t=10")
    settle(page)
    texts = [charts(page).nth(i).locator("svg").first.text_content() for i in range(2)]
    assert all("t = 10.0 s" in t for t in texts)
    page.goto(f"{app_url}/compare?scenario=tests-and-docs&t=45.5")
    settle(page)
    texts = [charts(page).nth(i).locator("svg").first.text_content() for i in range(2)]
    assert all("t = 45.5 s" in t for t in texts)
    page.get_by_text("At t = 45.5 s").wait_for()
