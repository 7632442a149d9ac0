"""Helpers shared by the browser tests: wait for the app to settle, save screenshots."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def settle(page) -> None:
    """Wait until the app has finished running and the charts have had a moment to draw."""
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(400)


def screenshot(page, name: str, *, full: bool = True) -> Path:
    """Save a screenshot under artifacts/screenshots/ (the whole scrolling page when ``full``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if full:
        height = page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll('section, div'))"
            ".map(e => e.scrollHeight), document.body.scrollHeight)")
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height + 40), 4000)})
        page.wait_for_timeout(600)
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path))
    return path


PLAYER = "[data-testid='s08-player'], [data-testid='s08-compare'], [data-testid='s08-lesson']"


def player_ready(page, timeout_ms: int = 60_000) -> None:
    """Wait until the player is drawn, its timeline included."""
    page.wait_for_selector(PLAYER, timeout=timeout_ms)
    page.wait_for_selector("[data-testid='s08-timeline'] svg, [data-testid='s08-lesson']", timeout=timeout_ms)
    page.wait_for_timeout(300)


def where(page) -> str:
    """The player's ``Step N of M · t = …`` line."""
    return page.locator("[data-testid='s08-where']").first.inner_text()


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing sticks out sideways)."""
    return page.evaluate("""() => {
      const doc = document.documentElement;
      const main = document.querySelector("[data-testid='stMain']") || doc;
      return Math.max(doc.scrollWidth - doc.clientWidth, main.scrollWidth - main.clientWidth, 0);
    }""")
