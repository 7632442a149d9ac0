"""Every page at laptop and desktop widths, and in Chinese and Japanese, as a reader sees it in Chromium.

At 1100, 1400 and 1920 px no page is wider than the window, none shows an exception
or a script error, and the player fits. In Chinese and Japanese no English sentence
is left outside code (commands, file names, tool calls and their output stay as the
tools saw them).
"""

from __future__ import annotations

import re

import pytest
from browser import overflow, player_ready, screenshot, settle

from simulator.scenario import load_scenario, scenario_paths

pytestmark = pytest.mark.browser

PAGES = {
    "start": "/?",
    "viewer": "/viewer?scenario=multi-agent&mode=parallel&step=20&",
    "compare": "/compare?scenario=tests-and-docs&",
    "lessons": "/lessons?lesson=queue&",
    "live": "/live?",
    "embed": "/embed?scenario=tests-and-docs&mode=parallel&step=8&",
}
WITH_PLAYER = {"start", "viewer", "compare", "lessons", "embed"}

#: Text a reader sees that is not prose: kept out of the check below.
NOT_PROSE = ("code, pre, kbd, script, style, .mono, .s08p-code, .s08p-part.tool_use, .s08p-part.tool_result, "
             "[data-testid='stIconMaterial'], [aria-hidden='true'], .s08p-links a[data-step] + *")
VISIBLE_TEXT = """(skip) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const host = n.parentElement;
    if (!host || host.closest(skip) || !n.textContent.trim()) continue;
    const box = host.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (getComputedStyle(host).visibility === "hidden" || getComputedStyle(host).fontSize === "0px") continue;
    out.push(n.textContent.trim());
  }
  return out;
}"""
#: Three English words in a row is a sentence left untranslated.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ '’-]+[A-Za-z]{2,}){2,}")
ALLOWED = ("Claude Code", "Anthropic API", "Google Chrome", "Perfetto UI")


def _code_words() -> list[str]:
    """Commands and file names of the bundled runs, longest first (they are code wherever they appear)."""
    words: set[str] = set()
    for name in scenario_paths():
        words.update(load_scenario(name).commands)
        words.add(name)
    return sorted(words, key=len, reverse=True)


CODE_WORDS = _code_words()


def _english_left(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for word in (*CODE_WORDS, *ALLOWED):
            text = text.replace(word, " ")
        found += ENGLISH.findall(text)
    return found


def _open(page, name: str, lang: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page.context.app_url + PAGES[name] + f"lang={lang}")
    settle(page)
    if name in WITH_PLAYER:
        player_ready(page)
    assert page.locator("[data-testid='stException']").count() == 0, name
    assert errors == [], (name, errors)


@pytest.fixture()
def window(chromium, app_url, request):
    """A fresh page of the width given by the test's parameter."""
    width = request.param
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    context.app_url = app_url
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page, width
    context.close()


@pytest.mark.parametrize("window", [1100, 1400, 1920], indirect=True, ids=lambda w: f"{w}px")
def test_every_page_fits_the_window(window):
    page, width = window
    for name in PAGES:
        _open(page, name, "en")
        assert overflow(page) <= 1, (name, width, overflow(page))
        for player in page.locator("[data-testid='s08-player'], [data-testid='s08-compare'], "
                                   "[data-testid='s08-lesson']").all():
            box = player.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (name, width, box)
        screenshot(page, f"page-{name}-{width}", full=False)


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_no_english_sentence_is_left_outside_code(chromium, app_url, lang):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.app_url = app_url
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        left = {}
        for name in PAGES:
            _open(page, name, lang)
            found = _english_left(page.evaluate(VISIBLE_TEXT, NOT_PROSE))
            if found:
                left[name] = found[:8]
            screenshot(page, f"page-{name}-{lang}", full=False)
        assert left == {}
    finally:
        context.close()
