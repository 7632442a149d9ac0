"""``python -m simulator export NAME|PATH --format chrome|svg|json|text --out FILE [--mode serial|parallel|both]``.

* ``chrome``: Chrome Trace Event JSON that Perfetto opens unchanged (default: both harnesses);
* ``svg``: the timeline as an SVG image (default: parallel; ``both`` stacks serial above parallel);
* ``json``: the session file, scenario plus trace(s) (default: parallel);
* ``text``: the text timeline and the figures (default: parallel).

The input is a bundled scenario name, or a scenario, recording, trace or session file.
Any problem ends with a non-zero exit and one line naming the file and the problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import exports
from simulator.errors import InputError, SimulatorError
from simulator.inputs import open_source
from simulator.modes import MODES
from simulator.runs import run_scenario
from simulator.scenario import Scenario
from simulator.storage import atomic_write_text
from simulator.trace import Trace

BOTH = "both"
DEFAULT_MODE = {"chrome": BOTH}  # every other format: parallel


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` command to the CLI's sub-parsers."""
    p = subparsers.add_parser("export", help="write a Perfetto/Chrome trace, an SVG timeline, a session file or text",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("source", metavar="NAME|PATH", help="scenario name, or scenario/recording/trace/session file")
    p.add_argument("--format", choices=tuple(exports.FORMATS), default="chrome", help="what to write (default: chrome)")
    p.add_argument("--out", metavar="FILE", required=True, help="where to write it ('-' for standard output)")
    p.add_argument("--mode", choices=(*MODES, BOTH), default=None,
                   help="which harness to run (default: both for chrome, parallel otherwise)")
    p.add_argument("--step", type=int, default=None, help="svg only: draw a cursor at this step (0-based)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="svg only: label language")

    def one_line_error(message: str) -> NoReturn:
        print(f"error: export: {message}", file=sys.stderr)
        raise SystemExit(2)

    p.error = one_line_error  # type: ignore[method-assign]  # usage errors as one line, like the rest
    p.set_defaults(func=cmd_export)
    return p


def _runs(args: argparse.Namespace) -> tuple[Scenario | None, dict[str, Trace]]:
    """The scenario (if any) and the runs to export, by harness."""
    mode = args.mode or DEFAULT_MODE.get(args.format, "parallel")
    wanted = MODES if mode == BOTH else (mode,)
    source = open_source(args.source)
    if source.trace is not None:
        have = str(source.trace.meta.get("mode") or "parallel")
        if args.mode is not None and wanted != (have,):
            raise InputError(args.source, f"is a trace of one {have} run; --mode {args.mode} needs a scenario "
                                           "or recording")
        return None, {have: source.trace}
    if source.runs:
        picked = {m: source.runs[m] for m in wanted if m in source.runs} if args.mode is not None else source.runs
        if not picked:
            raise InputError(args.source, f"has no {' or '.join(wanted)} run (it has: {', '.join(source.runs)})")
        return source.scenario, picked
    assert source.scenario is not None
    return source.scenario, {m: run_scenario(source.scenario, m) for m in wanted}


def _readable(path: Path) -> None:
    """Give the written file the usual permissions (the atomic write creates it private)."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


def cmd_export(args: argparse.Namespace) -> int:
    """Run the export; 0 on success, 2 (with one line on stderr) on bad input."""
    try:
        if args.step is not None and args.step < 0:
            raise InputError("--step", f"must be 0 or more, not {args.step}")
        scenario, traces = _runs(args)
        text = exports.render(args.format, traces, scenario=scenario, step=args.step, lang=args.lang)
        if args.out == "-":
            sys.stdout.write(text)
            return 0
        try:
            atomic_write_text(Path(args.out), text)
            _readable(Path(args.out))
        except OSError as exc:
            raise InputError(args.out, f"cannot be written ({exc.strerror or exc})") from None
    except SimulatorError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(f"wrote {args.format} export ({', '.join(traces)}) to {args.out}")
    return 0
