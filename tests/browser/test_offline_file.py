"""The offline HTML file in Chromium with every network request refused: it works, asks for nothing, steps fast
enough by keyboard, links to a step with #step=, and teaches a lesson question first."""

from __future__ import annotations

import pytest

from cli import main

pytestmark = pytest.mark.browser


@pytest.fixture()
def offline(chromium):
    """A page whose every request is refused and counted."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, requests, errors
    context.close()


def load(page, html: str, fragment: str = "") -> None:
    page.set_content(html)
    if fragment:
        page.evaluate(f"location.hash = {fragment!r}")
    page.wait_for_selector("[data-testid='s08-timeline'] svg, [data-testid='s08-lesson']", timeout=30_000)


def test_a_session_file_works_with_the_network_cut_and_asks_for_nothing(offline, tmp_path):
    page, requests, errors = offline
    out = tmp_path / "multi.html"
    assert main(["export", "multi-agent", "--format", "html", "--out", str(out)]) == 0
    load(page, out.read_text(), "#step=20")
    page.wait_for_function("document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step 20 ')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash.includes('step=21')")
    assert page.locator("[data-testid='s08-timeline'] svg").count() == 1
    assert requests == [] and errors == []


def test_a_lesson_file_asks_first_and_reveals_after(offline, tmp_path):
    page, requests, errors = offline
    out = tmp_path / "lesson.html"
    assert main(["export", "--lesson", "blocking", "--format", "html", "--out", str(out)]) == 0
    load(page, out.read_text())
    question = page.locator("[data-question='serial-main']")
    assert question.locator(".s08p-reveal").is_hidden()
    assert question.locator("[data-testid='s08-frozen']").is_visible()
    next_button = question.locator("button[data-key='next']")
    assert next_button.is_disabled()  # the future is locked until the answer
    answer = question.locator("button[data-option='docs']")
    before = answer.bounding_box()
    answer.click()
    assert answer.bounding_box() == before  # the answers stay where they were (nothing above them went away)
    frozen = question.locator("[data-testid='s08-frozen']")
    assert "open" in frozen.get_attribute("class") and frozen.inner_text() == "Answered: every step of this run is open now."
    feedback = question.locator(".s08p-feedback")
    assert "wrong" in feedback.get_attribute("class") and "second thread" in feedback.inner_text()
    assert question.locator(".s08p-reveal").is_visible()
    assert not next_button.is_disabled()
    assert requests == [] and errors == []


def test_the_lock_lab_loses_a_notification_only_without_the_lock(offline, tmp_path):
    page, _requests, errors = offline
    out = tmp_path / "lock.html"
    assert main(["export", "--lesson", "lock", "--format", "html", "--out", str(out)]) == 0
    load(page, out.read_text())
    lab = page.locator("[data-testid='s08-lab']")
    steps = lab.locator(".thread button")
    steps.nth(1).click()  # the main thread copies the queue
    steps.nth(0).click()  # A appends
    steps.nth(1).click()  # the main thread clears
    steps.nth(1).click()  # and injects
    assert lab.locator("[data-outcome='lost']").is_visible()
    lab.locator("[data-lock='on']").click()  # switch the lock on
    steps = lab.locator(".thread button")
    steps.nth(1).click()  # the main thread takes the lock
    assert lab.locator(".thread button").nth(0).is_disabled()  # A has to wait
    assert errors == []


WALK = """async (steps) => {
  const out = [];
  for (let i = 0; i < steps; i++) {
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
    const overview = document.querySelector(".s08p-overview");
    const win = overview.querySelector(".win"), now = overview.querySelector(".now");
    out.push([parseFloat(win.style.left), parseFloat(win.style.width), parseFloat(now.style.left)]);
  }
  return out;
}"""


def test_stepping_on_the_window_keeps_the_cursor_in_view_and_moves_seldom(offline, tmp_path):
    """Walking forward, the zoomed timeline's window always holds the cursor and looks ahead, so it moves
    (and redraws every bar) at most once in ten steps."""
    page, requests, errors = offline
    out = tmp_path / "multi.html"
    assert main(["export", "multi-agent", "--format", "html", "--out", str(out)]) == 0
    load(page, out.read_text())
    seen = page.evaluate(WALK, 100)
    assert all(left - 1e-6 <= now <= left + width + 1e-6 for left, width, now in seen)
    windows = [(left, width) for left, width, _ in seen]
    moves = sum(1 for a, b in zip(windows, windows[1:], strict=False) if a != b)
    assert 1 <= moves <= 10, moves
    assert requests == [] and errors == []


def _conversation_at_its_end(page) -> bool:
    return page.evaluate("""() => { const c = document.querySelector(".s08p-convo");
        return c.scrollHeight > c.clientHeight && c.scrollTop + c.clientHeight >= c.scrollHeight - 2; }""")


def test_a_jump_shows_the_newest_message_and_the_serial_run_shows_no_stray_words(offline, tmp_path):
    """After End, or a link to a step, the conversation is scrolled to its newest message; the serial harness,
    which has no task table, leaves no stray text where the table would be."""
    page, requests, errors = offline
    out = tmp_path / "multi.html"
    assert main(["export", "multi-agent", "--format", "html", "--out", str(out)]) == 0
    html = out.read_text()
    load(page, html)
    page.keyboard.press("End")
    page.wait_for_timeout(200)
    assert _conversation_at_its_end(page)
    page.goto("about:blank")  # a fresh document for the second opening
    load(page, html, "#step=30")
    page.wait_for_function("document.querySelector(\"[data-testid='s08-where']\").textContent.startsWith('Step 30 ')")
    page.wait_for_timeout(200)
    assert _conversation_at_its_end(page)
    page.locator("button[data-mode='serial']").click()
    player = page.locator("[data-testid='s08-player']")
    player.locator("[data-testid='s08-timeline'] svg").wait_for()
    assert "null" not in player.inner_text()
    assert requests == [] and errors == []
