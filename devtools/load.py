"""The load run: many browser sessions stepping through the app at once, with every error they saw."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.modes import MODES

from .appserver import ROOT, streamlit_server
from .chromium import CHROMIUM, CHROMIUM_ARGS, browser_missing
from .stats import percentile

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
NEXT = "[data-testid='s08-controls'] button[data-key='next']"
WHERE = "[data-testid='s08-where']"
TIMEOUT_MS = 120_000


@dataclass
class LoadResult:
    """What the sessions saw: per-step times, page-load times and every error."""

    sessions: int
    steps: int
    step_s: list[float] = field(default_factory=list)
    load_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    completed: int = 0
    wall_s: float = 0.0
    server_cpu_s: float | None = None  # CPU time the Streamlit server used while the sessions ran
    server_rss_mb: tuple[float, float] | None = None  # its resident memory before and after them

    def summary(self) -> dict[str, Any]:
        s = self.step_s
        return {"sessions": self.sessions, "steps": self.steps, "completed": self.completed,
                "step_median_s": statistics.median(s) if s else None, "step_p95_s": percentile(s, 95) if s else None,
                "step_max_s": max(s) if s else None, "load_median_s": statistics.median(self.load_s) if self.load_s
                else None, "errors": len(self.errors), "wall_s": self.wall_s}


@contextmanager
def _server(log_path: Path) -> Iterator[tuple[str, int]]:
    """The app on a free port, its output in ``log_path``; yields its URL and pid."""
    with open(log_path, "w+", encoding="utf-8") as log, streamlit_server(log) as (base, proc):
        yield base, proc.pid


def _usage(pid: int) -> tuple[float, float] | None:
    """User plus system CPU seconds of process ``pid`` so far, and its resident memory in MB."""
    import psutil

    try:
        proc = psutil.Process(pid)
        times = proc.cpu_times()
        return times.user + times.system, proc.memory_info().rss / 2**20
    except psutil.Error:
        return None


def _plan(sessions: int, steps: int) -> list[tuple[str, str]]:
    """(scenario, mode) for each session: the bundled scenarios long enough to step through, in turn."""
    from simulator.runs import run_scenario
    from simulator.scenario import load_scenario, scenario_paths

    usable = []
    for name in scenario_paths():
        for mode in MODES:
            if len(run_scenario(load_scenario(name), mode).events) > steps:
                usable.append((name, mode))
    if not usable:
        raise RuntimeError(f"no bundled scenario has more than {steps} steps")
    return [usable[(i * 7) % len(usable)] for i in range(sessions)]


async def _exception_shown(page: Any, who: str, step: int, res: LoadResult) -> bool:
    """Record an exception box shown on the page after ``step`` (they vanish on the next rerun)."""
    boxes = page.locator("[data-testid='stException']")
    if not await boxes.count():
        return False
    text = " ".join((await boxes.first.inner_text()).split())
    res.errors.append(f"{who}: exception on the page at step {step}: {text[:200]}")
    return True


async def _session(browser: Any, base: str, idx: int, scenario: str, mode: str, steps: int,
                   res: LoadResult) -> None:
    who = f"session {idx} ({scenario}, {mode})"
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    page.on("pageerror", lambda exc: res.errors.append(f"{who}: page error: {exc}"))
    try:
        t0 = time.perf_counter()
        await page.goto(f"{base}/viewer?scenario={scenario}&mode={mode}", timeout=TIMEOUT_MS)
        await page.locator(WHERE, has_text=re.compile(r"^Step 0 of \d+")).first.wait_for(timeout=TIMEOUT_MS)
        await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        res.load_s.append(time.perf_counter() - t0)
        failed = await _exception_shown(page, who, 0, res)
        if await page.get_by_role("dialog").count():
            text = " ".join((await page.get_by_role("dialog").first.inner_text()).split())
            res.errors.append(f"{who}: a dialog covers the page: {text[:160]}")
            failed = True
        for k in range(1, steps + 1):
            t0 = time.perf_counter()
            await page.locator(NEXT).first.click(timeout=TIMEOUT_MS)
            await page.locator(WHERE, has_text=re.compile(rf"^Step {k} of \d+")).first.wait_for(timeout=TIMEOUT_MS)
            res.step_s.append(time.perf_counter() - t0)
            failed = failed or await _exception_shown(page, who, k, res)
        if not failed:
            res.completed += 1
    except Exception as exc:  # a timeout or a vanished element: that session failed
        lines = str(exc).splitlines()
        why = [ln.strip() for ln in lines if re.search(r"intercepts|not enabled|not stable|not visible|detached", ln)]
        head = " ".join(lines[0].split())[:160] if lines else ""
        res.errors.append(f"{who}: {type(exc).__name__}: {head}" + (f" ({why[-1][:160]})" if why else ""))
    finally:
        await ctx.close()


async def _drive(base: str, plan: list[tuple[str, str]], steps: int, res: LoadResult) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            await asyncio.gather(*(_session(browser, base, i, sc, mode, steps, res)
                                   for i, (sc, mode) in enumerate(plan)))
        finally:
            await browser.close()


def run_load(sessions: int = 20, steps: int = 15, log_dir: Path | None = None) -> LoadResult:
    """Start the app, drive ``sessions`` concurrent browser sessions of ``steps`` steps each, stop the app."""
    why = browser_missing()
    if why:
        raise RuntimeError(f"cannot drive a browser: {why}")
    res = LoadResult(sessions=sessions, steps=steps)
    plan = _plan(sessions, steps)
    log_dir = log_dir or ROOT / "artifacts"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "app_load_server.log"
    t0 = time.perf_counter()
    with _server(log_path) as (base, pid):
        before = _usage(pid)
        asyncio.run(_drive(base, plan, steps, res))
        after = _usage(pid)
    if before is not None and after is not None:
        res.server_cpu_s = after[0] - before[0]
        res.server_rss_mb = (before[1], after[1])
    res.wall_s = time.perf_counter() - t0
    log = log_path.read_text(encoding="utf-8", errors="replace")
    count = log.count("Traceback (most recent call last)")
    if count:
        found = re.search(r"^(\w+(?:\.\w+)*(?:Error|Exception)\b.*)$", log, re.M)
        what = found.group(1) if found else "see the server log"
        res.errors.append(f"{count} traceback(s) in the server log, the first: {what[:240]}")
    return res


