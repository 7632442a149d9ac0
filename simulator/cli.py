"""Command line: ``python -m simulator list|replay|compare|run|export``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import InputError, SimulatorError
from .metrics import metrics
from .scenario import list_scenarios, load_scenario, scenario_from_dict, scenario_paths
from .session import run_scenario
from .storage import read_json
from .timeline_text import metrics_text, timeline_text
from .trace import Trace

COMPARE_KEYS = ("wall_s", "main_busy_s", "main_blocked_s", "main_idle_s", "utilisation", "llm_calls", "tasks",
                "delivery_delay_max_s")


def load_session(name_or_path: str):
    """A scenario/recording by name or path, or a trace file (returned as a Trace)."""
    if not name_or_path.strip():
        raise InputError("(empty name)", "give a bundled scenario name or a file path")
    if name_or_path in scenario_paths():
        return load_scenario(name_or_path)
    path = Path(name_or_path)
    if not path.exists():
        if "/" in name_or_path or name_or_path.endswith(".json"):
            raise InputError(name_or_path, "no such file")
        raise InputError(name_or_path, "no bundled scenario of that name (see `python -m simulator list`)")
    data = read_json(path)
    if isinstance(data, dict) and data.get("format") == "s08-trace":
        return Trace.from_dict(data, name_or_path)
    return scenario_from_dict(data, name_or_path)


def cmd_list(args: argparse.Namespace) -> int:
    for sc in list_scenarios():
        kind = "recording" if sc.is_recording else "scenario"
        print(f"{sc.name:<28} {kind:<9} {sc.summary or sc.title}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    session = load_session(args.session)
    trace = session if isinstance(session, Trace) else run_scenario(session, args.mode)
    title = trace.meta.get("title") or trace.meta.get("scenario", "")
    print(f"# {title} — {trace.meta.get('mode')} harness, {trace.meta.get('clock')} clock")
    print(timeline_text(trace))
    print()
    print(metrics_text(metrics(trace)))
    if args.out:
        trace.save(args.out)
        print(f"\ntrace written to {args.out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    session = load_session(args.session)
    if isinstance(session, Trace):
        raise InputError(args.session, "is a trace of one run; compare needs a scenario or recording")
    result = {mode: metrics(run_scenario(session, mode)) for mode in ("serial", "parallel")}
    if args.json:
        for m in result.values():
            m.pop("delivery_delays", None)
        print(json.dumps(result, indent=2))
        return 0
    s, p = result["serial"], result["parallel"]
    print(f"# {session.title}")
    print(f"{'':<22}{'serial':>10}{'parallel':>10}{'difference':>12}")
    for key in COMPARE_KEYS:
        a, b = s[key], p[key]
        if isinstance(a, float):
            print(f"{key:<22}{a:>10.2f}{b:>10.2f}{b - a:>+12.2f}")
        else:
            print(f"{key:<22}{a:>10}{b:>10}{b - a:>+12}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description="Simulate an agent loop that runs slow commands in the background.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="list the bundled scenarios and recordings")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("replay", help="play a scenario, recording or trace and print its timeline")
    p.add_argument("session", metavar="NAME|PATH")
    p.add_argument("--mode", choices=("serial", "parallel"), default="parallel")
    p.add_argument("--out", metavar="TRACE.json", help="also write the trace as JSON")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("compare", help="run a scenario in the serial and the parallel harness")
    p.add_argument("session", metavar="NAME|PATH")
    p.add_argument("--json", action="store_true", help="print {\"serial\": {...}, \"parallel\": {...}}")
    p.set_defaults(func=cmd_compare)
    for module, adder in (("live_cli", "add_run_parser"), ("export_cli", "add_export_parser")):
        try:
            mod = __import__(f"simulator.{module}", fromlist=[adder])
        except ImportError:
            continue
        getattr(mod, adder)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SimulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `| head`)
        sys.stderr.close()
        return 0
    except OSError as exc:  # e.g. --out names a directory or an unwritable place
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
