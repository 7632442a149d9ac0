"""``python -m simulator export NAME|PATH --format chrome|svg|json --out FILE [--mode serial|parallel|both]``.

* ``chrome``: Chrome Trace Event JSON that Perfetto opens unchanged (default: both harnesses);
* ``svg``: the timeline as an SVG image (default: parallel; ``both`` stacks serial above parallel);
* ``json``: the session, scenario plus trace(s) (default: parallel).

The input is a bundled scenario name, or a scenario, recording, trace or session file.
Any problem ends with a non-zero exit and one line naming the file and the problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from .errors import InputError, SimulatorError
from .scenario import Scenario
from .trace import Trace

FORMATS = ("chrome", "svg", "json")
MODES = ("serial", "parallel", "both")
DEFAULT_MODE = {"chrome": "both", "svg": "parallel", "json": "parallel"}


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` command to the CLI's sub-parsers."""
    p = subparsers.add_parser("export", help="write a Perfetto/Chrome trace, an SVG timeline or a session JSON",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("session", metavar="NAME|PATH", help="scenario name, or scenario/recording/trace/session file")
    p.add_argument("--format", choices=FORMATS, default="chrome", help="what to write (default: chrome)")
    p.add_argument("--out", metavar="FILE", required=True, help="where to write it ('-' for standard output)")
    p.add_argument("--mode", choices=MODES, default=None,
                   help="which harness to run (default: both for chrome, parallel otherwise)")
    p.add_argument("--step", type=int, default=None, help="svg only: draw a cursor at this step (0-based)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="svg only: label language")

    def one_line_error(message: str) -> NoReturn:
        print(f"error: export: {message}", file=sys.stderr)
        raise SystemExit(2)

    p.error = one_line_error  # type: ignore[method-assign]  # usage errors as one line, like the rest
    p.set_defaults(func=cmd_export)
    return p


def _load(name_or_path: str) -> tuple[Scenario | None, dict[str, Trace] | None, Trace | None]:
    """(scenario, session runs, single trace): exactly one of the last two or the scenario is set."""
    from views.session_export import SESSION_FORMAT, session_from_dict

    from .cli import load_session
    from .storage import read_json

    path = Path(name_or_path)
    if path.is_file():
        data = read_json(path)
        if isinstance(data, dict) and data.get("format") == SESSION_FORMAT:
            scenario, runs = session_from_dict(data, name_or_path)
            return scenario, runs, None
    loaded = load_session(name_or_path)
    if isinstance(loaded, Trace):
        return None, None, loaded
    return loaded, None, None


def _runs(args: argparse.Namespace) -> tuple[Scenario | None, dict[str, Trace]]:
    from .session import run_scenario

    mode = args.mode or DEFAULT_MODE[args.format]
    wanted = ("serial", "parallel") if mode == "both" else (mode,)
    scenario, runs, trace = _load(args.session)
    if trace is not None:
        have = str(trace.meta.get("mode") or "parallel")
        if args.mode is not None and wanted != (have,):
            raise InputError(args.session, f"is a trace of one {have} run; --mode {args.mode} needs a scenario "
                                           "or recording")
        return None, {have: trace}
    if runs is not None:
        picked = {m: runs[m] for m in wanted if m in runs} if args.mode is not None else runs
        if not picked:
            raise InputError(args.session, f"has no {' or '.join(wanted)} run (it has: {', '.join(runs)})")
        return scenario, picked
    assert scenario is not None
    return scenario, {m: run_scenario(scenario, m) for m in wanted}


def _readable(path: Path) -> None:
    """Give the written file the usual permissions (the atomic write creates it private)."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


def render(fmt: str, scenario: Scenario | None, traces: dict[str, Trace], *, step: int | None = None,
           lang: str = "en") -> str:
    """The export text of ``traces`` in format ``fmt``."""
    if fmt == "chrome":
        from views.chrome_trace import chrome_trace_json

        return chrome_trace_json(traces)
    if fmt == "svg":
        from views.timeline_image import timeline_svg_runs

        return timeline_svg_runs(traces, step=step, lang=lang)
    if fmt == "json":
        from views.session_export import session_json

        return session_json(scenario, traces)
    raise ValueError(f"unknown export format {fmt!r}")


def cmd_export(args: argparse.Namespace) -> int:
    """Run the export; 0 on success, 2 (with one line on stderr) on bad input."""
    from .storage import atomic_write_text

    try:
        if args.step is not None and args.step < 0:
            raise InputError("--step", f"must be 0 or more, not {args.step}")
        scenario, traces = _runs(args)
        text = render(args.format, scenario, traces, step=args.step, lang=getattr(args, "lang", "en"))
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
