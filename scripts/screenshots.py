"""The README's pictures, taken from the running app in headless Chromium.

    python -m scripts.screenshots            # writes docs/screenshot-*.png

Starts ``streamlit run`` on a free port, opens each page as a reader would at
1400 × 900, and saves: the first screen, a lesson question before and after it is
answered, the viewer at a drain that delivers, and Compare with a What-if change.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from devtools.appserver import ROOT, streamlit_server
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS, browser_missing

OUT = ROOT / "docs"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PLAYER = "[data-testid='s08-timeline'] svg"


def _open(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_selector(PLAYER, timeout=90_000)
    page.wait_for_timeout(900)


def _save(page: Any, name: str) -> Path:
    path = OUT / f"screenshot-{name}.png"
    page.screenshot(path=str(path))
    print(f"wrote {path.relative_to(ROOT)}")
    return path


def take(base: str, pw: Any) -> None:
    """Every picture, one page each."""
    from lessons import lesson
    from simulator import load_scenario, run_scenario
    from simulator.i18n import use_language

    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US").new_page()
        _open(page, f"{base}/?lang=en")
        _save(page, "start")

        with use_language("en"):
            q = lesson("queue").questions[0]
        _open(page, f"{base}/lessons?lesson=queue&lang=en")
        box = page.locator(f".s08p-q[data-question='{q.key}']")
        box.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -20)")
        _save(page, "lesson-question")
        box.locator(f"button[data-option='{q.answer}']").click()
        page.set_viewport_size({"width": 1400, "height": 1500})  # the question, the answer and the reveal at once
        page.wait_for_timeout(900)
        page.evaluate("(y) => window.scrollTo(0, y)", box.evaluate("b => b.getBoundingClientRect().top + window.scrollY - 10"))
        page.wait_for_timeout(400)
        _save(page, "lesson-answered")
        page.set_viewport_size({"width": 1400, "height": 900})

        trace = run_scenario(load_scenario("multi-agent"), "parallel")
        inject = next(ev["seq"] for ev in trace.events if ev["kind"] == "inject")
        _open(page, f"{base}/viewer?scenario=multi-agent&mode=parallel&step={inject}&lang=en")
        _save(page, "viewer")

        _open(page, f"{base}/compare?scenario=tests-and-docs&lang=en")
        box = page.locator("[data-testid='s08-whatif'] [data-field='duration_s']")
        box.fill("20")
        box.press("Enter")
        page.wait_for_function("location.search.includes('changes=')", timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_timeout(1200)
        _save(page, "compare")
    finally:
        browser.close()


def main() -> int:
    why = browser_missing()
    if why:
        print(f"screenshots: needs a browser: {why}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryFile(mode="w+") as log, streamlit_server(log) as (base, _proc), sync_playwright() as pw:
        take(base, pw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
