"""The viewer's list in a real browser: a pick is drawn at once from the viewer route, heading and caption
included, and the page's rerun that follows finds it drawn; without the route, the rerun alone switches."""

from __future__ import annotations

import pytest
from browser import player_ready, settle, where

from simulator import load_scenario, run_scenario
from simulator.i18n import _, use_language

pytestmark = pytest.mark.browser

#: Counts the player's mounts, and notes when the page's script starts running (the rerun reaching the server).
WATCH = """() => {
  window.__log = [];
  const mount = window.S08Player.mount;
  window.S08Player.mount = (...args) => { window.__log.push("mount"); return mount(...args); };
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => window.__log.push("script:" + app.dataset.testScriptState))
    .observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
}"""
HEAD = """() => [document.querySelector("[data-testid='stMain'] h1").textContent,
  document.querySelector("[data-testid='stMain'] [data-testid='stCaptionContainer']").textContent]"""


def idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def type_in_list(page, title: str) -> None:
    box = page.locator(".st-key-scenario [role='combobox']")
    box.click()
    box.fill(title)
    page.get_by_role("option", name=title, exact=True).wait_for()


def open_viewer(page, url: str) -> None:
    page.goto(url)
    settle(page)
    player_ready(page)
    idle(page)
    page.evaluate(WATCH)
    page.evaluate("() => { document.querySelector(\"[data-testid='s08-timeline']\").dataset.seen = 'yes'; }")


def test_a_pick_is_drawn_from_the_route_before_the_page_runs_again_and_the_rerun_keeps_it(browser_page, app_url):
    page = browser_page
    fan = load_scenario("fan-out-20")
    open_viewer(page, f"{app_url}/viewer?scenario=tests-and-docs&mode=parallel&step=7&lang=en")
    with page.expect_response(lambda r: "/s08/viewer?" in r.url and "name=fan-out-20" in r.url) as got:
        type_in_list(page, fan.title)  # the entry the reader is on is asked for before it is picked
    assert got.value.status == 200
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({HEAD})()[0] === {fan.title!r}")
    assert where(page).startswith("Step 0 of 213")
    assert page.evaluate(HEAD)[1] == "Scenario fan-out-20 · one step per event, counted from 0"
    idle(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('scenario') === 'fan-out-20'")
    log = page.evaluate("window.__log")
    assert log.count("mount") == 1 and log.index("mount") < log.index("script:running"), log  # drawn first, once
    assert page.locator("[data-testid='s08-timeline']").get_attribute("data-seen") == "yes"  # its chart kept
    assert page.evaluate(HEAD) == [fan.title, "Scenario fan-out-20 · one step per event, counted from 0"]
    assert where(page).startswith("Step 0 of 213")
    assert page.evaluate("new URLSearchParams(location.search).get('step')") == "0"
    # the drawn run is the page's player: it steps, and the address follows
    page.locator("[data-testid='s08-controls'] button[data-key='next']").click()
    assert where(page).startswith("Step 1 of 213")
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '1'")


def test_without_the_route_the_page_rerun_switches_alone(browser_page, app_url):
    page = browser_page
    page.route("**/s08/viewer?*", lambda route: route.abort())
    timeout = load_scenario("timeout")
    open_viewer(page, f"{app_url}/viewer?scenario=tests-and-docs&mode=parallel&lang=en")
    type_in_list(page, timeout.title)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({HEAD})()[0] === {timeout.title!r}")
    idle(page)
    assert where(page).startswith("Step 0 of ") and page.evaluate("window.__log").count("mount") == 1
    assert page.evaluate(HEAD)[1] == "Scenario timeout · one step per event, counted from 0"


def test_two_quick_picks_end_on_the_second_in_the_page_language(browser_page, app_url):
    page = browser_page
    with use_language("ja"):
        first, second = _(load_scenario("fan-out-20").title), _(load_scenario("multi-agent").title)
        caption = _("{kind} **{name}** · one step per event, counted from 0").format(
            kind=_("scenario").capitalize(), name="multi-agent").replace("**", "")
    open_viewer(page, f"{app_url}/viewer?scenario=tests-and-docs&mode=serial&lang=ja")
    type_in_list(page, first)
    page.keyboard.press("Enter")
    type_in_list(page, second)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({HEAD})()[0] === {second!r}")
    idle(page)
    page.wait_for_timeout(500)  # anything still on its way would have arrived
    assert page.evaluate(HEAD) == [second, caption]
    assert page.evaluate("new URLSearchParams(location.search).get('scenario')") == "multi-agent"
    assert page.evaluate("[...document.querySelectorAll('*')].find((n) => n.__s08switch).__s08.mode") == "serial"
    assert page.locator("[data-testid='s08-timeline']").get_attribute("data-seen") == "yes"


def test_a_click_on_an_entry_switches_and_another_button_does_not(browser_page, app_url):
    page = browser_page
    timeout = load_scenario("timeout")
    open_viewer(page, f"{app_url}/viewer?scenario=tests-and-docs&mode=parallel&lang=en")
    type_in_list(page, timeout.title)
    option = page.get_by_role("option", name=timeout.title, exact=True)
    option.click(button="right")  # the list does not pick on it: nor does the player
    page.wait_for_timeout(500)
    assert page.evaluate("window.__log").count("mount") == 0
    assert page.evaluate(HEAD)[0] == load_scenario("tests-and-docs").title
    option.click()
    page.wait_for_function(f"() => ({HEAD})()[0] === {timeout.title!r}")
    idle(page)
    log = page.evaluate("window.__log")
    assert log.count("mount") == 1 and log.index("mount") < log.index("script:running"), log
    assert where(page).startswith("Step 0 of ")


def test_with_a_file_open_a_pick_in_the_list_is_left_to_the_page(browser_page, app_url, tmp_path):
    page = browser_page
    trace = run_scenario(load_scenario("multi-agent"), "serial")
    path = tmp_path / "my-run.json"
    path.write_text(trace.to_json(), encoding="utf-8")
    open_viewer(page, f"{app_url}/viewer?scenario=tests-and-docs&mode=parallel&lang=en")
    page.locator(".st-key-upload input[type='file']").set_input_files(str(path))
    page.wait_for_function(f"() => ({HEAD})()[0] === {trace.meta['title']!r}")
    idle(page)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/s08/viewer?" in r.url else None)
    fan = load_scenario("fan-out-20")
    type_in_list(page, fan.title)
    page.keyboard.press("Enter")
    idle(page)
    page.wait_for_timeout(500)
    assert asked == [] and page.evaluate(HEAD)[0] == trace.meta["title"]  # the open file is still what is shown
    assert where(page).startswith(f"Step 0 of {len(trace.events) - 1}")
