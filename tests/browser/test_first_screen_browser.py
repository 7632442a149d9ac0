"""The start page's first screen in Chromium: drawn before Streamlit has started, steppable at once, where the
page's own elements will be, and handed over to the page's player with its charts and its moment."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FIRST_CHART = "#s08-first [data-testid='s08-timeline'] svg"
PAGE_CHART = "[data-testid='stMain'] [data-testid='s08-timeline'] svg"
#: Where the heading, the first figure and the player sit, as boxes rounded to pixels.
BOXES = """(root) => {
  const r = document.querySelector(root);
  const box = (sel) => { const b = r.querySelector(sel).getBoundingClientRect(); return [b.x, b.y, b.width, b.height].map(Math.round); };
  const first = root === "#s08-first";
  return { heading: box("h1"), figure: box(first ? ".s08f-metric" : "[data-testid='stMetric']"),
           value: box(first ? ".s08f-metric .value" : "[data-testid='stMetricValue']"), player: box("[data-testid='s08-compare']") };
}"""


def hold_streamlit(context) -> list:
    """Streamlit's own script is held (the routes returned); everything else is served."""
    held: list = []
    context.route("**/static/js/index.*.js", lambda route: held.append(route))
    return held


def open_held(chromium, app_url: str, width: int, lang: str = "en", errors: list[str] | None = None):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    held = hold_streamlit(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/?lang={lang}", wait_until="commit")
    page.wait_for_selector(FIRST_CHART)
    return context, page, held


def release(page, held: list) -> None:
    """Let Streamlit's script through once the first screen has asked for it."""
    page.wait_for_function("() => document.querySelector(\"script[type='module'][src*='index.']\")")  # booted
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "Streamlit's script was never asked for"
    for route in held:
        route.continue_()


def test_it_is_drawn_before_streamlit_starts_and_the_page_takes_it_over(chromium, app_url):
    errors: list[str] = []
    context, page, held = open_held(chromium, app_url, 1400, errors=errors)
    try:
        assert page.locator(FIRST_CHART).count() == 2 and page.locator("[data-testid='stMain']").count() == 0
        assert page.locator("#s08-first h1").inner_text().startswith("Slow commands in the background")
        where = page.locator("#s08-first .where")
        before = where.inner_text()
        page.locator("#s08-first button.primary").click()
        page.locator("#s08-first button.primary").click()
        moment = where.inner_text()
        assert moment != before and moment.startswith("t = ")
        page.evaluate("() => document.querySelectorAll(\"#s08-first [data-testid='s08-timeline'] svg\")"
                      ".forEach((svg) => { svg.dataset.drawn = 'first'; })")
        page.locator("#s08-first button.primary").focus()
        release(page, held)
        page.wait_for_selector("#s08-first", state="detached")
        page.wait_for_selector(PAGE_CHART)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
        assert page.locator("[data-testid='s08-compare']").count() == 1
        assert page.locator("[data-testid='stMain'] .where").inner_text() == moment
        drawn = page.eval_on_selector_all(PAGE_CHART, "(svgs) => svgs.map((svg) => svg.dataset.drawn)")
        assert drawn == ["first", "first"]  # the same charts, moved: not drawn again
        page.wait_for_function("() => new URL(location.href).searchParams.get('t') === '2.0'")
        assert page.evaluate("() => document.activeElement.textContent") == "Next moment"  # the reader's control
        assert page.evaluate("() => document.activeElement.closest(\"[data-testid='stMain']\") !== null")
        assert not errors
    finally:
        context.close()


@pytest.mark.parametrize("width,lang", [(600, "en"), (1100, "ja"), (1400, "en"), (1920, "zh")])
def test_it_sits_where_the_pages_own_elements_will(chromium, app_url, width, lang):
    context, page, _held = open_held(chromium, app_url, width, lang)
    try:
        page.wait_for_timeout(300)  # fonts
        first = page.evaluate(BOXES, "#s08-first")
    finally:
        context.close()
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{app_url}/?lang={lang}")
        page.wait_for_selector("#s08-first", state="detached")
        page.wait_for_selector(PAGE_CHART)
        page.wait_for_timeout(300)
        shown = page.evaluate(BOXES, "[data-testid='stMain']")
    finally:
        context.close()
    for part, box in first.items():
        assert all(abs(a - b) <= 2 for a, b in zip(box, shown[part], strict=True)), (part, box, shown[part])


def test_without_the_players_files_streamlit_still_starts(chromium, app_url):
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.add_init_script("new MutationObserver(() => { if (document.getElementById('s08-first')) window.__seen = true; })"
                            ".observe(document, { subtree: true, childList: true });")
    context.route("**/app/static/vega.js", lambda route: route.abort())
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{app_url}/?lang=en", wait_until="commit")
        page.wait_for_selector("[data-testid='stMain'] h1")
        page.wait_for_selector("#s08-first", state="detached")
        assert page.evaluate("() => window.__seen") is True  # it was there, and went
        assert "agent does not have to wait" in page.locator("[data-testid='stMain'] h1").inner_text()
        assert page.evaluate("() => document.getElementById('root').inert") is False
    finally:
        context.close()


def test_the_page_speaks_the_language_the_first_screen_chose(chromium, app_url):
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")  # the browser: English
    context.route(f"{app_url}/", lambda route: route.continue_(  # its page request: Japanese first
        headers={**route.request.headers, "accept-language": "ja,en;q=0.5"}))
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{app_url}/", wait_until="commit")
        page.wait_for_selector(FIRST_CHART)
        assert page.locator("#s08-first").get_attribute("lang") == "ja"
        assert page.evaluate("() => document.getElementById('root').inert") is True  # one page for readers at a time
        page.wait_for_selector("#s08-first", state="detached")
        page.wait_for_selector(PAGE_CHART)
        assert page.locator("[data-testid='stMain'] h1").inner_text().startswith("遅いコマンド")
        assert "lang=ja" in page.url
    finally:
        context.close()


def test_other_pages_have_none(browser_page, app_url):
    browser_page.goto(f"{app_url}/viewer?scenario=timeout&lang=en")
    browser_page.wait_for_selector(PAGE_CHART)
    assert browser_page.locator("#s08-first").count() == 0
