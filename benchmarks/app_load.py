"""Load on the app: many browser sessions stepping through scenarios at once.

    python -m benchmarks.app_load                  # 20 sessions x 15 steps
    python -m benchmarks.app_load --sessions 5 --steps 5 --no-docs

Starts ``streamlit run server.py`` on a free port and opens every session as
its own page (own browser context, so its own Streamlit session) in one headless
Chromium. Each session opens the viewer on a bundled scenario, then clicks **Next**
again and again; one step's time runs from the click until the page shows the new
step number and the script has finished running. Any exception box on a page, page
error, missed step or traceback in the server's log counts as an error. The figures
go into ``docs/performance.md`` between ``<!-- load:start -->`` and ``<!-- load:end -->``.
"""

from __future__ import annotations

import argparse
import os
import sys

from benchmarks.common import machine_line, md_table, update_section
from devtools.load import LoadResult, run_load


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
