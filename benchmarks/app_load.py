"""Load on the app: many browser sessions stepping through scenarios at once.

    python benchmarks/app_load.py                  # 20 sessions x 15 steps
    python benchmarks/app_load.py --sessions 5 --steps 5 --no-docs

Starts ``streamlit run streamlit_app.py`` on a free port and opens every session as
its own page (own browser context, so its own Streamlit session) in one headless
Chromium. Each session opens the viewer on a bundled scenario, then clicks **Next**
again and again; one step's time runs from the click until the page shows the new
step number and the script has finished running. Any exception box on a page, page
error, missed step or traceback in the server's log counts as an error. The figures
go into ``docs/performance.md`` between ``<!-- load:start -->`` and ``<!-- load:end -->``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from st_browser import streamlit_server as _st_server  # noqa: E402  (one way to start the app)

from benchmarks.common import machine_line, md_table, percentile, update_section  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
NEXT = ".st-key-btn_next:not([data-stale='true']) button"
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


def browser_missing() -> str | None:
    """Why the browser run cannot happen here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing"
    return None


@contextmanager
def streamlit_server(log_path: Path) -> Iterator[tuple[str, int]]:
    """``streamlit run streamlit_app.py`` on a free port (the browser tests' helper); yields its URL and pid."""
    with open(log_path, "w+", encoding="utf-8") as log, _st_server(log) as (base, proc):
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
    from simulator.scenario import load_scenario, scenario_paths
    from simulator.session import run_scenario

    usable = []
    for name in scenario_paths():
        for mode in ("parallel", "serial"):
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
        # The viewer is the app's default page, so its address is the root ("/viewer" would
        # open Streamlit's "Page not found" dialog over it).
        await page.goto(f"{base}/?scenario={scenario}&mode={mode}", timeout=TIMEOUT_MS)
        await page.locator("strong", has_text=re.compile(r"^Step 0 of \d+$")).first.wait_for(timeout=TIMEOUT_MS)
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
            await page.locator("strong", has_text=re.compile(rf"^Step {k} of \d+$")).first.wait_for(
                timeout=TIMEOUT_MS)
            await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
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
    with streamlit_server(log_path) as (base, pid):
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


def render(res: LoadResult) -> str:
    s = res.summary()

    def ms(x: float | None) -> str:
        return "n/a" if x is None else f"{x * 1000:,.0f} ms"

    runs = len(res.step_s) + len(res.load_s)
    rows = [
        ["sessions at once (each its own browser context)", str(res.sessions)],
        ["steps per session (clicks on Next)", str(res.steps)],
        ["sessions that finished without an error", f"{res.completed} of {res.sessions}"],
        ["time per step, median", ms(s["step_median_s"])],
        ["time per step, p95", ms(s["step_p95_s"])],
        ["time per step, slowest", ms(s["step_max_s"])],
        ["first page load, median", ms(s["load_median_s"])],
        ["server CPU time per script run (page loads and steps of all sessions)",
         ms(res.server_cpu_s / runs) if res.server_cpu_s is not None and runs else "n/a"],
        ["server memory (RSS) before the sessions → after them",
         f"{res.server_rss_mb[0]:.0f} MB → {res.server_rss_mb[1]:.0f} MB" if res.server_rss_mb else "n/a"],
        ["errors", str(len(res.errors))],
    ]
    lines = [f"Measured {machine_line('load')}; the whole run took {res.wall_s:.0f} s "
             f"(server and headless Chromium on the same machine).", "",
             md_table(["Measure", "Value"], rows)]
    if res.server_cpu_s is not None and res.wall_s:
        cores = os.cpu_count() or 1
        lines += ["", f"The Streamlit server used {res.server_cpu_s:.0f} s of CPU time during the "
                  f"{res.wall_s:.0f} s run, out of {cores * res.wall_s:.0f} s that {cores} cores offer; the browser "
                  f"side (one headless Chromium with {res.sessions} pages, and the driver) had the rest."]
    if res.errors:
        lines += ["", "Errors:", *(f"- {e}" for e in res.errors[:10])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    ap.add_argument("--steps", type=int, default=15, help="clicks on Next per session (default 15)")
    ap.add_argument("--no-docs", action="store_true", help="print the figures without updating docs/performance.md")
    args = ap.parse_args(argv)
    try:
        res = run_load(args.sessions, args.steps)
    except RuntimeError as exc:
        print(f"app_load: {exc}", file=sys.stderr)
        return 2
    text = render(res)
    print(text)
    if not args.no_docs:
        update_section("load", text, "Load on the app")
        print("\nWritten to docs/performance.md", file=sys.stderr)
    return 1 if res.errors else 0


if __name__ == "__main__":
    sys.exit(main())
