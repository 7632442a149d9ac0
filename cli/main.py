"""``python -m simulator``: the parser, the small commands (list, replay, compare) and the error handling."""

from __future__ import annotations

import argparse
import json
import sys

from exports.text import metrics_text, timeline_text
from simulator.errors import InputError, SimulatorError
from simulator.i18n import _, environment_language, use_language
from simulator.inputs import open_source
from simulator.metrics import metrics
from simulator.modes import MODES, PARALLEL
from simulator.runs import run_scenario
from simulator.scenario import list_scenarios
from simulator.trace import Trace

from . import export, importer, run
from .argparse_words import speak_argparse

COMPARE_KEYS = ("wall_s", "main_busy_s", "main_blocked_s", "main_idle_s", "utilisation", "llm_calls",
                "agent_llm_calls", "input_tokens", "output_tokens", "tasks", "delivery_delay_max_s")


def cmd_list(args: argparse.Namespace) -> int:
    """Print the bundled scenarios and recordings, one a line."""
    for sc in list_scenarios():
        kind = _("recording") if sc.is_recording else _("scenario")
        print(f"{sc.name:<28} {kind:<9} {_(sc.summary or sc.title)}")
    return 0


def _trace_of(name_or_path: str, mode: str) -> Trace:
    """The trace to replay: a trace file as it is, a session file's run, or a scenario run in ``mode``."""
    source = open_source(name_or_path)
    if source.trace is not None:
        return source.trace
    if source.scenario is None:
        if mode not in source.runs:
            raise InputError(name_or_path, _("has no {wanted} run (it has: {runs})").format(wanted=mode,
                                                                                   runs=", ".join(source.runs)))
        return source.runs[mode]
    return run_scenario(source.scenario, mode)


def cmd_replay(args: argparse.Namespace) -> int:
    """Play a scenario, recording or trace and print its timeline, then its figures."""
    trace = _trace_of(args.source, args.mode)
    title = _(str(trace.meta.get("title") or trace.meta.get("scenario", "")))
    print(_("# {title} — {mode} harness, {clock} clock").format(title=title, mode=trace.meta.get("mode"),
                                                                   clock=trace.meta.get("clock")))
    print(timeline_text(trace))
    print()
    print(metrics_text(metrics(trace)))
    if args.out:
        trace.save(args.out)
        print("\n" + _("trace written to {path}").format(path=args.out))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Run a scenario in both harnesses and print their figures side by side."""
    source = open_source(args.source)
    if source.scenario is None:
        raise InputError(args.source, _("is a trace of one run; compare needs a scenario or recording"))
    result = {mode: metrics(run_scenario(source.scenario, mode)) for mode in MODES}
    if args.json:
        for m in result.values():
            m.pop("delivery_delays", None)
            m.pop("usage_by_lane", None)
        print(json.dumps(result, indent=2))
        return 0
    s, p = result["serial"], result["parallel"]
    print(f"# {_(source.scenario.title)}")
    difference = _("difference")
    print(f"{'':<22}{'serial':>10}{'parallel':>10}{difference:>12}")
    for key in COMPARE_KEYS:
        a, b = s[key], p[key]
        if isinstance(a, float):
            print(f"{key:<22}{a:>10.2f}{b:>10.2f}{b - a:>+12.2f}")
        else:
            print(f"{key:<22}{a:>10}{b:>10}{b - a:>+12}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser for every command."""
    parser = argparse.ArgumentParser(prog="python -m simulator",
                                     description=_("Simulate an agent loop that runs slow commands in the background."))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help=_("list the bundled scenarios and recordings"))
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("replay", help=_("play a scenario, recording or trace and print its timeline"))
    p.add_argument("source", metavar="NAME|PATH")
    p.add_argument("--mode", choices=MODES, default=PARALLEL)
    p.add_argument("--out", metavar="TRACE.json", help=_("also write the trace as JSON"))
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("compare", help=_("run a scenario in the serial and the parallel harness"))
    p.add_argument("source", metavar="NAME|PATH")
    p.add_argument("--json", action="store_true", help=_("print the figures as JSON: {example}").format(
        example='{"serial": {...}, "parallel": {...}}'))
    p.set_defaults(func=cmd_compare)
    run.add_parser(sub)
    export.add_parser(sub)
    importer.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command in the environment's language; 0 on success, 2 with one line on stderr for bad input."""
    speak_argparse()
    with use_language(environment_language()):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SimulatorError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `| head`)
        sys.stderr.close()
        return 0
    except OSError as exc:  # e.g. --out names a directory or an unwritable place
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(_("error: {message}").format(message=f"{where}{exc.strerror or exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
