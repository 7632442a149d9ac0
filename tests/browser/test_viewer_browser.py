"""The viewer in a real browser: stepping happens in the page, the address keeps the step, keys work, the scene
follows the queue and its lock, and the notification travels into the conversation."""

from __future__ import annotations

import re

import pytest
from browser import player_ready, screenshot, settle, where

from exports.player.lanes import lane_rows
from simulator import load_scenario, run_scenario

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def multi():
    return run_scenario(load_scenario("multi-agent"), "parallel")


def step_in_url(page, want: int) -> int:
    """The address's step once it has caught up with the player (it follows a moment later)."""
    page.wait_for_function(f"new URLSearchParams(location.search).get('step') === '{want}'", timeout=5_000)
    return int(re.search(r"[?&]step=(\d+)", page.url).group(1))


def test_next_and_the_arrow_keys_step_in_the_page_and_the_address_follows(browser_page, app_url, multi):
    page = browser_page
    last = len(multi.events) - 1
    page.goto(f"{app_url}/viewer?scenario=multi-agent&mode=parallel&step=0")
    settle(page)
    player_ready(page)
    assert where(page).startswith(f"Step 0 of {last}")
    first_say = page.locator("[data-testid='s08-say']").inner_text()
    page.locator("[data-testid='s08-controls'] button[data-key='next']").click()
    page.wait_for_function("document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step 1 ')")
    assert page.locator("[data-testid='s08-say']").inner_text() != first_say
    assert step_in_url(page, 1) == 1
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step 3 ')")
    page.keyboard.press("End")
    page.wait_for_function(f"document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step {last} ')")
    assert step_in_url(page, last) == last
    page.reload()
    settle(page)
    player_ready(page)
    assert where(page).startswith(f"Step {last} of {last}")  # the address brought the reader back


def test_the_lock_lights_at_enqueue_and_the_notification_moves_into_the_conversation(browser_page, app_url, multi):
    page = browser_page
    enqueue = next(ev["seq"] for ev in multi.events if ev["kind"] == "enqueue")
    drain = next(ev["seq"] for ev in multi.events if ev["kind"] == "drain" and ev["delivered"])
    page.goto(f"{app_url}/viewer?scenario=multi-agent&mode=parallel&step={enqueue}")
    settle(page)
    player_ready(page)
    lock = page.locator("[data-testid='s08-lock']")
    assert "held" in lock.get_attribute("class") and "B: Implement the user" in lock.inner_text()  # B answers first
    assert page.locator("[data-testid='s08-queue'] .s08p-ncard").count() == 1
    screenshot(page, "viewer-enqueue", full=False)
    page.keyboard.press("Shift+ArrowRight")  # the next drain that delivers
    page.wait_for_function(f"document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step {drain} ')")
    assert "held" in lock.get_attribute("class") and "main thread" in lock.inner_text().lower()
    assert page.locator("[data-testid='s08-queue'] .s08p-ncard.taken").count() == 1
    assert "Notification queue: 1 waiting" in page.locator("[data-testid='s08-queue']").inner_text()  # what it takes
    page.keyboard.press("ArrowRight")  # the inject: the card travels, the injected block appears
    page.wait_for_selector(".s08p-ncard.ghost", state="attached", timeout=5_000)
    injected = page.locator("[data-testid='s08-conversation'] .s08p-part.injected:visible")
    injected.last.wait_for()
    assert injected.last.inner_text().startswith("<background-results>")
    assert page.locator("[data-testid='s08-code'] .ln.hit").count() >= 1


def test_the_harness_toggle_keeps_the_moment_and_the_serial_run_blocks(browser_page, app_url):
    page = browser_page
    page.goto(f"{app_url}/viewer?scenario=tests-and-docs&mode=parallel&step=6")
    settle(page)
    player_ready(page)
    page.locator("button[data-mode='serial']").click()
    page.wait_for_function("location.search.includes('mode=serial')")
    page.wait_for_timeout(500)
    assert "blocked" in page.locator(".s08p-state").first.inner_text()
    screenshot(page, "viewer-serial-blocked", full=False)


def test_the_model_stops_a_task_and_every_call_shows_its_tokens(browser_page, app_url):
    trace = run_scenario(load_scenario("stop-runaway-task"), "parallel")
    last = len(trace.events) - 1
    calls = sum(1 for ev in trace.events if ev["kind"] == "model_end")
    page = browser_page
    page.goto(f"{app_url}/viewer?scenario=stop-runaway-task&mode=parallel&step={last}")
    settle(page)
    player_ready(page)
    assert "killed by the model" in page.locator("[data-testid='s08-player'] table").first.inner_text()
    heads = page.locator(".s08p-msg.assistant .s08p-tokens")
    assert heads.count() == calls and "tokens in" in heads.first.inner_text()
    total = page.locator(".s08p-tokens-total").first.inner_text()
    assert f"Model calls so far: {calls}" in total, total
    page.keyboard.press("Home")
    page.wait_for_function(f"!location.search.includes('step={last}')")
    assert "Model calls so far: 0" in page.locator(".s08p-tokens-total").first.inner_text()


def test_text_from_a_run_is_shown_as_text(browser_page, app_url, tmp_path):
    trace = run_scenario(load_scenario("timeout"), "serial")
    first = next(ev for ev in trace.events if isinstance(ev.get("msg"), dict))
    first["msg"]["content"][0]["text"] = "<img src=x onerror=\"window.__pwned=1\"><b>bold</b>"
    path = tmp_path / "odd.json"
    path.write_text(trace.to_json())
    page = browser_page
    page.goto(f"{app_url}/viewer")
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    settle(page)
    player_ready(page)
    page.keyboard.press("End")
    page.wait_for_timeout(500)
    part = page.locator(".s08p-part").first
    assert "<img src=x" in part.inner_text()
    assert page.evaluate("window.__pwned") is None


LANE_LABELS = "() => [...document.querySelectorAll(\"[data-testid='s08-timeline'] svg .role-axis-label text\")].map((t) => t.textContent)"


def test_another_scenario_from_the_list_is_drawn_in_the_chart_already_there(browser_page, app_url):
    """Picking another run keeps the timeline's chart (no new one to compile) and draws all of the new run in it."""
    fan = run_scenario(load_scenario("fan-out-20"), "parallel")
    page = browser_page
    page.goto(f"{app_url}/viewer?scenario=tests-and-docs&mode=parallel&lang=en")
    settle(page)
    player_ready(page)
    page.evaluate("() => { document.querySelector(\"[data-testid='s08-timeline']\").dataset.seen = 'yes'; }")
    box = page.locator(".st-key-scenario [role='combobox']")
    box.click()
    box.fill(fan.meta["title"])
    page.get_by_role("option", name=fan.meta["title"], exact=True).click()
    page.get_by_role("heading", name=fan.meta["title"]).wait_for()
    page.wait_for_function("() => document.querySelector(\"[data-testid='s08-where']\").textContent.includes('of 213')")
    page.wait_for_function(f"() => ({LANE_LABELS})().includes('T: --shard=20/20')")
    chart = page.locator("[data-testid='s08-timeline']")
    assert chart.count() == 1 and chart.get_attribute("data-seen") == "yes"
    labels = page.evaluate(LANE_LABELS)
    assert all(row["name"] in labels for row in lane_rows(fan))  # every one of the 20 lanes has its name
    assert "queue depth" in labels


OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll("[data-testid='s08-timeline'] svg .mark-text text")]
    .filter((t) => t.textContent && !t.textContent.startsWith('t = ')).map((t) => [t.textContent, t.getBoundingClientRect()]);
  const out = [];
  boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1) out.push([a, b]);
  }));
  return out;
}"""


def test_words_on_the_bars_never_run_over_each_other(browser_page, app_url):
    """Zoomed in on a busy moment, a bar left of the window does not spill its words over the bars in view."""
    page = browser_page
    page.goto(f"{app_url}/viewer?scenario=fan-out-20&mode=parallel&step=120&lang=en")
    settle(page)
    player_ready(page)
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='s08-timeline'] svg .mark-text text\").length > 5")
    assert page.evaluate(OVERLAPS) == []
