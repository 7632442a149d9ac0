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


COUNT_MOUNTS = """() => { const m = window.S08Player.mount; window.__mounts = 0;
    window.S08Player.mount = function (...a) { window.__mounts++; return m.apply(this, a); }; }"""


def whatif(page, field: str):
    """One of the sidebar's What-if controls (drawn by the page's component)."""
    return page.locator(f"[data-testid='s08-whatif'] [data-field='{field}']")


def open_compare(page, app_url: str, scenario: str = "tests-and-docs") -> None:
    """The Compare page on ``scenario``, in English, its player drawn and the page idle."""
    page.goto(f"{app_url}/compare?scenario={scenario}&lang=en")
    settle(page)
    player_ready(page)


def test_what_if_a_shorter_test_run_changes_both_timelines(browser_page, app_url):
    page = browser_page
    open_compare(page, app_url)
    before = totals(page)
    page.evaluate("""() => document.querySelectorAll("[data-testid='s08-timeline']").forEach((c, i) => {
        c.dataset.seen = String(i); })""")
    page.evaluate(COUNT_MOUNTS)
    duration = whatif(page, "duration_s")
    assert duration.input_value() == "60"
    duration.fill("20")
    duration.press("Enter")
    page.wait_for_function("location.search.includes('changes=')", timeout=30_000)
    page.get_by_text(re.compile(r"before → after")).first.wait_for()  # the page's rerun came after the player
    settle(page)
    player_ready(page)
    after = totals(page)
    assert after["serial"] != before["serial"] and after["parallel"] != before["parallel"]
    assert page.evaluate("window.__mounts") == 1  # drawn once, from the What-if route; the rerun brought the same runs
    # the charts already drawn took the new runs' data (no new chart to compile): the tests' bar now ends at 20.6 s
    serial = page.locator("[data-testid='s08-run-serial'] [data-testid='s08-timeline']")
    assert serial.get_attribute("data-seen") == "0"
    page.wait_for_function("""() => [...document.querySelectorAll(
        "[data-testid='s08-run-serial'] svg path[aria-label*='pytest']")].some((p) => p.getAttribute('aria-label').includes('to (s): 20.6'))""")
    changes = decode_changes(parse_qs(urlsplit(page.url).query)["changes"][0])
    assert changes == {"commands": {"pytest tests/ -v": {"duration_s": 20.0}}}
    assert duration.input_value() == "20"
    screenshot(page, "compare-whatif")

    page.goto(page.url)  # the address keeps the change
    settle(page)
    player_ready(page)
    assert totals(page) == after
    assert whatif(page, "duration_s").input_value() == "20"


def test_what_if_without_its_route_falls_back_to_the_page(browser_page, app_url):
    page = browser_page
    page.route("**/s08/whatif", lambda route: route.abort())
    open_compare(page, app_url)
    before = totals(page)
    whatif(page, "duration_s").fill("30")
    whatif(page, "duration_s").press("Enter")
    page.get_by_text(re.compile(r"before → after")).first.wait_for()
    settle(page)
    player_ready(page)
    assert totals(page)["serial"] != before["serial"] == "62.0 s in all"
    assert decode_changes(parse_qs(urlsplit(page.url).query)["changes"][0]) == {
        "commands": {"pytest tests/ -v": {"duration_s": 30.0}}}


def test_what_if_choices_commands_and_reset(browser_page, app_url):
    page = browser_page
    open_compare(page, app_url, "multi-agent-one-slot")
    first = whatif(page, "duration_s").input_value()
    whatif(page, "duration_s").fill("10")
    whatif(page, "duration_s").press("Enter")
    page.wait_for_function("location.search.includes('changes=')")
    settle(page)
    whatif(page, "command").select_option("1")
    assert whatif(page, "duration_s").input_value() == "20"  # the second command's own duration
    whatif(page, "command").select_option("0")
    assert whatif(page, "duration_s").input_value() == "10" != first  # the first one's change is kept
    page.locator("[data-testid='s08-whatif'] label").filter(has_text="only when the model has nothing else to do").click()
    page.wait_for_function("() => location.search.includes('changes=') && atob(new URLSearchParams(location.search)"
                           ".get('changes').replace(/-/g, '+').replace(/_/g, '/')).includes('when_idle')")
    settle(page)
    assert page.locator("[data-testid='stSidebar']").get_by_text("drain: before every model call").count() == 1
    page.get_by_role("button", name="Reset all changes").click()
    page.wait_for_function("!location.search.includes('changes=')")
    settle(page)
    assert whatif(page, "duration_s").input_value() == first
    assert whatif(page, "drain_policy").locator("input[value='every_call']").is_checked()
    assert totals(page)["parallel"] == "81.8 s in all"


def test_what_if_speaks_the_readers_language(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/compare?scenario=tests-and-docs&lang=ja")
    settle(page)
    labels = page.locator("[data-testid='s08-whatif'] label").all_inner_texts()
    assert "所要時間（秒）" in labels and "終了コード" in labels, labels


def test_what_if_changes_in_a_row_then_reset_show_the_scenario_as_written(browser_page, app_url):
    page = browser_page
    open_compare(page, app_url)
    written = totals(page)
    for value in ("20", "60", "30"):
        whatif(page, "duration_s").fill(value)
        whatif(page, "duration_s").press("Enter")
        settle(page)
    assert totals(page)["serial"] == "32.0 s in all"
    page.get_by_role("button", name="Reset all changes").click()
    page.wait_for_function("!location.search.includes('changes=')")
    settle(page)
    player_ready(page)
    assert totals(page) == written and whatif(page, "duration_s").input_value() == "60"


def test_every_page_names_the_players_files_in_its_head(browser_page, app_url):
    page = browser_page
    for path in ("/", "/compare?lang=en"):
        page.goto(app_url + path)
        hrefs = page.locator("head link[rel='preload'][href*='app/static/']").evaluate_all(
            "(links) => links.map((l) => l.getAttribute('href'))")
        assert hrefs == ["./app/static/player.css", "./app/static/vega.js", "./app/static/player.js"], path
