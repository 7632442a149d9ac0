"""Benchmarks: this project's BackgroundManager against the lesson's original design, in one run.

    python -m benchmarks.run            # full run (a few minutes)
    python -m benchmarks.run --quick    # under a minute

Each measurement of a real BackgroundManager runs in a fresh Python process (one
per implementation and round) so threads, processes and memory left by one
cannot colour the next; the two implementations alternate which goes first.
The table compares them as ratios measured in the same run (seed ÷ project:
above 1 means this project is faster or leaner), marks each target PASS or
FAIL, and is written into ``docs/performance.md`` between the
``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import ROOT, machine_line, md_table, percentile, update_section

IMPLS = ("project", "seed")
LONG_SLEEP = "sleep 30"
BIG_OUTPUT = r"head -c 100000000 /dev/zero | tr '\0' x"
DRAIN_PERIOD_S = 0.001
TIMELINE_EVENTS = 2000

QUICK = {"rounds": 2, "short_rounds": 3, "running": 400, "run_samples": 100, "notify_running": 200, "probes": 50,
         "short": 1000, "memory_rounds": 1, "clock_wall_s": 0.3, "timeline_reps": 3,
         "snapshot_reps": 3}
FULL = {"rounds": 5, "short_rounds": 7, "running": 400, "run_samples": 300, "notify_running": 200, "probes": 120,
        "short": 1000, "memory_rounds": 3, "clock_wall_s": 2.0, "timeline_reps": 10,
        "snapshot_reps": 5}


# -- helpers used inside the worker processes -----------------------------------------
def make_manager(impl: str, workdir: str) -> Any:
    if impl == "project":
        from simulator.real.background import BackgroundManager

        return BackgroundManager(workdir, timeout_s=300)
    from benchmarks.baseline import SeedBackgroundManager

    return SeedBackgroundManager(workdir)


def kill_descendants() -> None:
    """SIGKILL every process this worker started (the seed design has no way to stop its commands)."""
    import psutil

    procs = psutil.Process().children(recursive=True)
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=10)


def close_manager(mgr: Any) -> None:
    if hasattr(mgr, "kill_all"):
        mgr.shutdown()
    kill_descendants()


def count_sleeping(command_word: str = "sleep") -> int:
    import psutil

    n = 0
    for p in psutil.Process().children(recursive=True):
        try:
            n += p.name() == command_word
        except psutil.Error:
            pass
    return n


def wait_for(pred: Callable[[], bool], timeout: float, step: float = 0.05, what: str = "condition") -> float:
    """Poll ``pred`` until it holds; returns the seconds it took (raises after ``timeout``)."""
    t0 = time.perf_counter()
    while not pred():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(f"{what} not reached in {timeout:g} s")
        time.sleep(step)
    return time.perf_counter() - t0


def start_long_tasks(mgr: Any, n: int) -> float:
    for _ in range(n):
        mgr.run(LONG_SLEEP)
    return wait_for(lambda: count_sleeping() >= n, 180, 0.2, f"{n} running commands")


class Drainer(threading.Thread):
    """Polls ``drain_notifications`` about every millisecond, as an agent loop's drain would."""

    def __init__(self, mgr: Any, on_items: Callable[[list[dict[str, Any]], float, float], None]) -> None:
        super().__init__(daemon=True, name="bench-drainer")
        self.mgr = mgr
        self.on_items = on_items
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            items = self.mgr.drain_notifications()
            if items:
                self.on_items(items, time.time(), time.perf_counter())
            time.sleep(DRAIN_PERIOD_S)


class Sampler(threading.Thread):
    """Samples a value every ``period`` seconds and keeps the largest."""

    def __init__(self, fn: Callable[[], float], period: float) -> None:
        super().__init__(daemon=True, name="bench-sampler")
        self.fn = fn
        self.period = period
        self.peak = fn()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.fn())
            time.sleep(self.period)


# -- the measurements (each runs in its own worker process) ---------------------------
def bench_run_latency(impl: str, p: dict[str, Any]) -> dict[str, Any]:
    """Latency of ``run()`` itself while ``running`` commands are already running."""
    with tempfile.TemporaryDirectory() as wd:
        mgr = make_manager(impl, wd)
        try:
            ready_s = start_long_tasks(mgr, p["running"])
            gc.collect()
            lat = []
            for _ in range(p["run_samples"]):
                t0 = time.perf_counter()
                mgr.run(LONG_SLEEP)
                lat.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.002)  # an agent calls run() now and then, not in a tight loop
            return {"lat_ms": lat, "ready_s": ready_s}
        finally:
            close_manager(mgr)


# How notification latency is measured: each probe command ends with `date +%s.%N`,
# which prints the wall-clock time (CLOCK_REALTIME, nanoseconds) just before the
# command exits. The drain thread stamps each item with time.time() (the same clock)
# the moment drain_notifications() returns it. The difference is the time from the
# command's end to the agent holding its notification: process exit, detection by
# the manager, reading the output, queueing, and up to one 1 ms drain period. It
# slightly overstates the true exit-to-drain time (date and sh still have to exit),
# equally for both implementations. Starting `python -c` per probe would be too slow
# and would load the machine; `date` costs about a millisecond.
PROBE_RE = re.compile(r"(\d{9,}\.\d+)")


def bench_notify_latency(impl: str, p: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as wd:
        mgr = make_manager(impl, wd)
        lat: list[float] = []
        lock = threading.Lock()

        def on_items(items: list[dict[str, Any]], now: float, _perf: float) -> None:
            for it in items:
                m = PROBE_RE.search(str(it.get("result", "")))
                if m:
                    with lock:
                        lat.append((now - float(m.group(1))) * 1000)

        drainer = Drainer(mgr, on_items)
        try:
            ready_s = start_long_tasks(mgr, p["notify_running"])
            drainer.start()
            for i in range(p["probes"]):
                # staggered starts and durations, so the exits are spread out in time
                mgr.run(f"sleep {0.2 + 0.05 * (i % 7):.2f}; date +%s.%N")
                time.sleep(0.015)
            wait_for(lambda: len(lat) >= p["probes"], 60, 0.02, "every probe delivered")
            return {"lat_ms": lat, "ready_s": ready_s}
        finally:
            drainer.stop.set()
            drainer.join(2)
            close_manager(mgr)


def file_create_ms(folder: str, n: int = 100) -> float:
    """Median time to create and close an empty file in ``folder`` (how busy the disk is; only long outputs make files)."""
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        with open(os.path.join(folder, f"probe-{i}.tmp"), "wb"):
            pass
        times.append((time.perf_counter() - t0) * 1000)
    for i in range(n):
        os.unlink(os.path.join(folder, f"probe-{i}.tmp"))
    return statistics.median(times)


def bench_many_short(impl: str, p: dict[str, Any]) -> dict[str, Any]:
    """Time until ``short`` quick commands are all delivered, and the peak number of threads."""
    n = p["short"]
    with tempfile.TemporaryDirectory() as wd:
        create_ms = file_create_ms(wd)
        mgr = make_manager(impl, wd)
        seen: list[str] = []
        last = [0.0]

        def on_items(items: list[dict[str, Any]], _now: float, perf: float) -> None:
            seen.extend(it["task_id"] for it in items)
            last[0] = perf

        sampler = Sampler(threading.active_count, 0.001)
        drainer = Drainer(mgr, on_items)
        try:
            sampler.start()
            drainer.start()
            t0 = time.perf_counter()
            for _ in range(n):
                mgr.run("true")
            submit_s = time.perf_counter() - t0
            wait_for(lambda: len(seen) >= n, 180, 0.005, f"{n} notifications")
            total_s = last[0] - t0
            time.sleep(0.05)
            return {"total_s": total_s, "submit_s": submit_s, "peak_threads": sampler.peak, "create_ms": create_ms,
                    "delivered": len(seen), "unique": len(set(seen))}
        finally:
            sampler.stop.set()
            drainer.stop.set()
            drainer.join(2)
            close_manager(mgr)


def bench_memory(impl: str, p: dict[str, Any]) -> dict[str, Any]:
    """Peak RSS growth of this process while one command prints 100 MB."""
    import psutil

    proc = psutil.Process()
    with tempfile.TemporaryDirectory() as wd:
        mgr = make_manager(impl, wd)
        try:
            mgr.run("echo warm-up")  # threads, imports and buffers exist before the baseline reading
            wait_for(lambda: bool(mgr.drain_notifications()), 30, 0.01, "warm-up result")
            gc.collect()
            rss0 = proc.memory_info().rss
            sampler = Sampler(lambda: proc.memory_info().rss, 0.005)
            sampler.start()
            got: list[dict[str, Any]] = []
            t0 = time.perf_counter()
            mgr.run(BIG_OUTPUT)
            wait_for(lambda: bool(got.extend(mgr.drain_notifications()) or got), 120, 0.01, "the 100 MB result")
            elapsed = time.perf_counter() - t0
            time.sleep(0.02)
            sampler.stop.set()
            sampler.join(2)
            return {"growth_mb": (sampler.peak - rss0) / 1e6, "rss0_mb": rss0 / 1e6, "elapsed_s": elapsed,
                    "status": got[0].get("status")}
        finally:
            close_manager(mgr)


def _fan_out(n: int) -> dict[str, Any]:
    """A generated scenario: ``n`` background test shards, 32 at a time, then one summary."""
    cmds = {f"pytest --shard={i}/{n}": {"duration_s": 1 + (i * 7) % 5 + (i % 3) * 0.25,
                                         "exit_code": 1 if i % 11 == 0 else 0,
                                         "output": f"shard {i}/{n}: {'1 failed' if i % 11 == 0 else 'ok'}\n"}
            for i in range(1, n + 1)}
    return {"format": "s08-scenario", "version": 1, "name": f"fan-out-{n}", "prompt": f"Run the {n} shards",
            "settings": {"max_concurrent": 32, "model_latency_s": 0.8}, "commands": cmds,
            "turns": [{"text": "Starting every shard.",
                       "tools": [{"name": "background_run", "input": {"command": c}} for c in cmds]},
                      {"while_pending": True, "text": "Waiting for the shards."},
                      {"needs": list(cmds), "text": "All shards finished."}]}


def big_trace(min_events: int = TIMELINE_EVENTS) -> tuple[Any, float]:
    """A virtual-clock trace of a generated fan-out with at least ``min_events`` events, and its run time (s)."""
    from simulator.runs import run_scenario
    from simulator.scenario import scenario_from_dict

    n = max(10, min_events // 8)
    while True:
        scenario = scenario_from_dict(_fan_out(n), "<generated fan-out>")
        t0 = time.perf_counter()
        trace = run_scenario(scenario)
        if len(trace.events) >= min_events:
            return trace, time.perf_counter() - t0
        n += max(1, (min_events - len(trace.events)) // 7)


def bench_virtual_clock(impl: str, p: dict[str, Any]) -> dict[str, Any]:
    """Simulated seconds per wall second for the multi-agent scenario under the virtual clock."""
    from simulator.runs import run_scenario
    from simulator.scenario import load_scenario

    sc = load_scenario("multi-agent")
    run_scenario(sc)  # warm-up
    sim = 0.0
    runs = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < p["clock_wall_s"]:
        sim += run_scenario(sc).duration
        runs += 1
    wall = time.perf_counter() - t0
    return {"speed": sim / wall, "runs": runs, "per_run_ms": wall / runs * 1000}


def bench_snapshot(impl: str, p: dict[str, Any]) -> dict[str, Any]:
    """Snapshot time at every step of a ~2,000-event trace, the time to build its timeline shapes and its player document."""
    from simulator.snapshot import snapshot
    from simulator.spans import arrows, drain_marks, spans
    from simulator.trace import Trace

    trace, run_s = big_trace()
    big_speed = trace.duration / run_s
    fresh = Trace(trace.meta, trace.lanes, trace.events)
    t0 = time.perf_counter()
    snapshot(fresh, len(fresh.events) // 2)  # builds the trace's index once
    first_ms = (time.perf_counter() - t0) * 1000
    # Each step's cost is the best of ``snapshot_reps`` timings: on a shared machine a single
    # timing also catches the moments this process was not running at all.
    snap_ms = []
    for step in range(len(fresh.events)):
        best = math.inf
        for _ in range(p["snapshot_reps"]):
            t0 = time.perf_counter()
            snapshot(fresh, step)
            best = min(best, time.perf_counter() - t0)
        snap_ms.append(best * 1000)
    from exports.player.document import run_document

    timeline_ms, player_ms = [], []
    for _ in range(p["timeline_reps"]):
        t0 = time.perf_counter()
        spans(fresh)
        arrows(fresh)
        drain_marks(fresh)
        t1 = time.perf_counter()
        run_document(fresh)
        t2 = time.perf_counter()
        timeline_ms.append((t1 - t0) * 1000)
        player_ms.append((t2 - t1) * 1000)
    return {"events": len(fresh.events), "tasks": len(fresh.lanes) - 1, "big_speed": big_speed, "first_ms": first_ms,
            "snap_ms": snap_ms, "timeline_ms": timeline_ms, "player_ms": player_ms}


BENCHES: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "run_latency": bench_run_latency,
    "notify_latency": bench_notify_latency,
    "many_short": bench_many_short,
    "memory": bench_memory,
    "virtual_clock": bench_virtual_clock,
    "snapshot": bench_snapshot,
}


def worker_main(bench: str, impl: str, params: dict[str, Any]) -> None:
    from simulator.real.processes import raise_open_file_limit

    raise_open_file_limit()  # 500 running commands hold about 1,000 descriptors in either design
    result = BENCHES[bench](impl, params)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# -- the parent: run the workers, build the table ------------------------------------
def call_worker(bench: str, impl: str, params: dict[str, Any]) -> dict[str, Any] | None:
    cmd = [sys.executable, "-m", "benchmarks.run", "--worker", bench, "--impl", impl,
           "--params", json.dumps(params)]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    except subprocess.TimeoutExpired:
        print(f"  {bench} [{impl}]: timed out after 300 s", file=sys.stderr)
        return None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        err = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  {bench} [{impl}]: failed: {err}", file=sys.stderr)
        return None
    print(f"  {bench:<15} {impl:<8} {time.perf_counter() - t0:5.1f} s", file=sys.stderr)
    return json.loads(lines[-1])


def merge(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Pool the rounds of one measurement.

    Lists are joined (and also kept per round under ``<key>@rounds``); numbers keep
    every round's value.
    """
    if not results:
        return None
    out: dict[str, Any] = {}
    for key in results[0]:
        values = [r[key] for r in results if r.get(key) is not None]
        if values and isinstance(values[0], list):
            out[key] = [v for vs in values for v in vs]
            out[f"{key}@rounds"] = values
        else:
            out[key] = values
    return out


def collect(params: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Run every measurement; keys are ``bench:impl``."""
    raw: dict[str, list[dict[str, Any]]] = {}
    plan = [("run_latency", params["rounds"]), ("notify_latency", params["rounds"]),
            ("many_short", params["short_rounds"]), ("memory", params["memory_rounds"])]
    for bench, rounds in plan:
        for r in range(rounds):
            for impl in (IMPLS if r % 2 == 0 else tuple(reversed(IMPLS))):
                res = call_worker(bench, impl, params)
                if res is not None:
                    raw.setdefault(f"{bench}:{impl}", []).append(res)
    for bench in ("virtual_clock", "snapshot"):
        res = call_worker(bench, "project", params)
        if res is not None:
            raw[f"{bench}:project"] = [res]
    keys = [f"{b}:{i}" for b, _ in plan for i in IMPLS] + ["virtual_clock:project", "snapshot:project"]
    return {k: merge(raw.get(k, [])) for k in keys}


def _fmt(x: float | None, unit: str = "", digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}{unit}"
    return f"{x:.{digits}f}{unit}"


def _ratio(seed: float | None, project: float | None) -> str:
    if seed is None or project is None or math.isnan(seed) or math.isnan(project) or project <= 0:
        return "n/a"
    return f"{seed / project:.1f}x"


def build_rows(res: dict[str, dict[str, Any] | None]) -> tuple[list[list[str]], list[tuple[str, bool]]]:
    rows: list[list[str]] = []
    verdicts: list[tuple[str, bool]] = []

    def get(key: str, field: str) -> Any:
        r = res.get(key)
        return None if r is None else r.get(field)

    def stat(key: str, field: str, fn: Callable[[list[float]], float]) -> float | None:
        v = get(key, field)
        return fn(v) if v else None

    def add(label: str, project: float | None, seed: float | None, unit: str, target: str,
            ok: bool | None, digits: int = 2) -> None:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        rows.append([label, _fmt(project, unit, digits), _fmt(seed, unit, digits), _ratio(seed, project),
                     target, verdict])
        if ok is not None:
            verdicts.append((label, ok))

    def med(v: list[float]) -> float:
        return statistics.median(v)

    def p99(v: list[float]) -> float:
        return percentile(v, 99)

    def p99_rounds(rounds: list[list[float]]) -> float:
        # The tail of one round can be a burst of load from other programs on a shared machine;
        # the median over rounds of each round's p99 is the figure the targets are held to.
        return statistics.median(percentile(r, 99) for r in rounds)

    rp = "run_latency:project"
    rs = "run_latency:seed"
    p_med, s_med = stat(rp, "lat_ms", med), stat(rs, "lat_ms", med)
    p_p99, s_p99 = stat(rp, "lat_ms@rounds", p99_rounds), stat(rs, "lat_ms@rounds", p99_rounds)
    add("run() latency, median, 400 running", p_med, s_med, " ms", "", None, 3)
    add("run() latency, p99 (median of the rounds' p99), 400 running", p_p99, s_p99, " ms", "p99 <= 1 ms",
        p_p99 is not None and p_p99 <= 1.0, 3)
    add("run() latency, p99 of all rounds pooled", stat(rp, "lat_ms", p99), stat(rs, "lat_ms", p99), " ms", "",
        None, 3)

    n_p, n_s = "notify_latency:project", "notify_latency:seed"
    add("notification latency, median, 200 running", stat(n_p, "lat_ms", med), stat(n_s, "lat_ms", med),
        " ms", "", None)
    np99 = stat(n_p, "lat_ms@rounds", p99_rounds)
    add("notification latency, p99 (median of the rounds' p99), 200 running", np99,
        stat(n_s, "lat_ms@rounds", p99_rounds), " ms", "p99 <= 10 ms", np99 is not None and np99 <= 10.0)
    add("notification latency, p99 of all rounds pooled", stat(n_p, "lat_ms", p99), stat(n_s, "lat_ms", p99),
        " ms", "", None)

    m_p, m_s = "many_short:project", "many_short:seed"
    t_p, t_s = stat(m_p, "total_s", med), stat(m_s, "total_s", med)
    exact = (get(m_p, "delivered") or [0]) == (get(m_p, "unique") or [-1])
    add("1,000 `true` commands, all delivered (median of rounds)", t_p, t_s, " s", "<= seed",
        t_p is not None and t_s is not None and t_p <= t_s and exact)
    add("caller's time in the 1,000 run() calls (median of rounds)", stat(m_p, "submit_s", med),
        stat(m_s, "submit_s", med), " s", "", None, 3)
    add("creating one empty file in the temp folder (median, before each round)", stat(m_p, "create_ms", med),
        stat(m_s, "create_ms", med), " ms", "", None, 3)
    th_p, th_s = stat(m_p, "peak_threads", max), stat(m_s, "peak_threads", max)
    add("peak threads during the 1,000 commands", th_p, th_s, "", "bounded (<= 16)",
        th_p is not None and th_p <= 16, 0)

    g_p, g_s = stat("memory:project", "growth_mb", max), stat("memory:seed", "growth_mb", max)
    add("memory growth while a command prints 100 MB", g_p, g_s, " MB", "<= 20 MB",
        g_p is not None and g_p <= 20.0, 1)

    speed = stat("virtual_clock:project", "speed", med)
    add("virtual clock, multi-agent (simulated s per wall s)", speed, None, "x", ">= 1,000x",
        speed is not None and speed >= 1000, 0)

    sn = "snapshot:project"
    events = stat(sn, "events", max)
    label_n = f"{events:,.0f}-event trace" if events else "2,000-event trace"
    tasks = stat(sn, "tasks", max)
    add(f"virtual clock, generated fan-out of {tasks or 0:.0f} tasks ({label_n})", stat(sn, "big_speed", med),
        None, "x", "", None, 0)
    add(f"snapshot, median over the steps of a {label_n}", stat(sn, "snap_ms", med), None, " ms", "", None, 3)
    sp99 = stat(sn, "snap_ms", p99)
    add(f"snapshot, p99 over the steps of a {label_n}", sp99, None, " ms", "<= 1 ms",
        sp99 is not None and sp99 <= 1.0, 3)
    add("first snapshot (builds the trace index)", stat(sn, "first_ms", med), None, " ms", "", None)
    add("timeline shapes (spans + arrows + drain marks)", stat(sn, "timeline_ms", med), None, " ms", "", None)
    if get(sn, "player_ms"):
        add("player document (every step, drawn in the browser)", stat(sn, "player_ms", med), None, " ms", "", None)
    return rows, verdicts


def render(res: dict[str, dict[str, Any] | None], mode: str, elapsed: float) -> tuple[str, bool]:
    rows, verdicts = build_rows(res)
    table = md_table(["Measure", "This project", "Seed design", "Ratio (seed ÷ project)", "Target",
                      "Result"], rows)
    passed = sum(ok for _, ok in verdicts)
    lines = [f"Measured {machine_line(mode)}; the whole run took {elapsed:.0f} s.", "", table, "",
             f"{passed} of {len(verdicts)} targets pass."]
    failed = [label for label, ok in verdicts if not ok]
    if failed:
        lines.append("Failing: " + "; ".join(failed) + ".")
    return "\n".join(lines), not failed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer samples and rounds (under a minute)")
    ap.add_argument("--no-docs", action="store_true", help="print the table without updating docs/performance.md")
    ap.add_argument("--strict", action="store_true", help="exit with status 1 if a target fails")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--impl", choices=IMPLS, default="project", help=argparse.SUPPRESS)
    ap.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker_main(args.worker, args.impl, {**QUICK, **json.loads(args.params)})
        return 0
    mode = "quick" if args.quick else "full"
    params = QUICK if args.quick else FULL
    print(f"Benchmarking ({mode} run); each line is one fresh worker process:", file=sys.stderr)
    t0 = time.perf_counter()
    res = collect(params)
    text, ok = render(res, mode, time.perf_counter() - t0)
    print(text)
    if not args.no_docs:
        update_section("bench", text, "Latest benchmark")
        print("\nWritten to docs/performance.md", file=sys.stderr)
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
