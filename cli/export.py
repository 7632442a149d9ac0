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
from lessons import BUILDERS, LESSON_IDS, course_document
from simulator.errors import InputError, SimulatorError
from simulator.i18n import LANGS, _, environment_language, use_language
from simulator.inputs import open_source
from simulator.modes import MODES
from simulator.runs import run_scenario
from simulator.scenario import Scenario
from simulator.storage import atomic_write_text
from simulator.trace import Trace

BOTH = "both"
DEFAULT_MODE = {"chrome": BOTH, "html": BOTH}  # every other format: parallel


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` command to the CLI's sub-parsers."""
    p = subparsers.add_parser("export", help=_("write a Perfetto/Chrome trace, an SVG timeline, a session file or text"),
                              description=_("Write a run, a lesson or the whole course to a file: a Perfetto/Chrome trace, an SVG "
                                            "timeline, a session file, text or an offline HTML page."))
    p.add_argument("source", metavar="NAME|PATH", nargs="?", default=None,
                   help=_("scenario name, or scenario/recording/trace/session file (not with --lesson)"))
    p.add_argument("--lesson", metavar="N|ID|all", default=None,
                   help=_("html only: a lesson (its number or id) or the whole course ('all') instead of a run"))
    formats = "; ".join(f"{name}: {_(what)}" for name, (_m, what, _s) in exports.FORMATS.items())
    p.add_argument("--format", choices=tuple(exports.FORMATS), default="chrome",
                   help=_("what to write (default: chrome): {formats}").format(formats=formats))
    p.add_argument("--out", metavar="FILE", required=True, help=_("where to write it ('-' for standard output)"))
    p.add_argument("--mode", choices=(*MODES, BOTH), default=None,
                   help=_("which harness to run (default: both for chrome, parallel otherwise)"))
    p.add_argument("--step", type=int, default=None, help=_("svg only: draw a cursor at this step (0-based)"))
    p.add_argument("--lang", choices=tuple(LANGS), default=None,
                   help=_("the language of the file's words (default: the environment's, else English)"))

    def one_line_error(message: str) -> NoReturn:
        print(_("error: {message}").format(message=f"export: {message}"), file=sys.stderr)
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
            raise InputError(args.source, _("is a trace of one {have} run; --mode {mode} needs a scenario or "
                                             "recording").format(have=have, mode=args.mode))
        return None, {have: source.trace}
    if source.runs:
        picked = {m: source.runs[m] for m in wanted if m in source.runs} if args.mode is not None else source.runs
        if not picked:
            raise InputError(args.source, _("has no {wanted} run (it has: {runs})").format(
                wanted=" or ".join(wanted), runs=", ".join(source.runs)))
        return source.scenario, picked
    assert source.scenario is not None
    return source.scenario, {m: run_scenario(source.scenario, m) for m in wanted}


def _readable(path: Path) -> None:
    """Give the written file the usual permissions (the atomic write creates it private)."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


def chosen_lessons(spec: str) -> list[str]:
    """The lesson ids ``--lesson`` names: a number from 1, an id, or ``all``."""
    if spec == "all":
        return list(LESSON_IDS)
    if spec.isdigit() and 1 <= int(spec) <= len(LESSON_IDS):
        return [LESSON_IDS[int(spec) - 1]]
    if spec in LESSON_IDS:
        return [spec]
    raise InputError("--lesson", _("{spec!r} is not a lesson: give 1 to {n}, an id ({ids}) or all").format(
        spec=spec, n=len(LESSON_IDS), ids=", ".join(LESSON_IDS)))


def lesson_file(spec: str) -> str:
    """One lesson, or the whole course, as a self-contained HTML file."""
    ids = chosen_lessons(spec)
    doc = course_document([BUILDERS[i]() for i in ids], ids[0])
    title = _("Background tasks, step by step") if len(ids) > 1 else doc["course"]["chapters"][0]["title"]
    return exports.html.html_page(doc, title, _("Every step of every run is in this file; it works offline."))


def cmd_export(args: argparse.Namespace) -> int:
    """Run the export; 0 on success, 2 (with one line on stderr) on bad input."""
    with use_language(args.lang or environment_language()):
        return _export(args)


def _export(args: argparse.Namespace) -> int:
    try:
        if args.step is not None and args.step < 0:
            raise InputError("--step", _("must be 0 or more, not {n}").format(n=args.step))
        if args.lesson is not None:
            if args.format != "html":
                raise InputError("--lesson", _("works with --format html only"))
            what = _("the course") if args.lesson == "all" else _("lesson {spec}").format(spec=args.lesson)
            text, traces = lesson_file(args.lesson), {what: None}
        else:
            if not args.source:
                raise InputError("export", _("give a scenario name or a file, or --lesson"))
            scenario, traces = _runs(args)
            text = exports.render(args.format, traces, scenario=scenario, step=args.step)
        if args.out == "-":
            sys.stdout.write(text)
            return 0
        try:
            atomic_write_text(Path(args.out), text)
            _readable(Path(args.out))
        except OSError as exc:
            raise InputError(args.out, _("cannot be written ({reason})").format(reason=exc.strerror or exc)) from None
    except SimulatorError as exc:
        print(_("error: {message}").format(message=" ".join(str(exc).split())), file=sys.stderr)
        return 2
    print(_("wrote {format} export ({what}) to {path}").format(format=args.format, what=", ".join(traces), path=args.out))
    return 0
