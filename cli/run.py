"""``python -m simulator run``: a live run printed as it happens, optionally recorded.

    python -m simulator run "PROMPT" --llm anthropic --workdir DIR --record rec.json
    python -m simulator run --llm recorded:rec.json --workdir DIR      # real commands, real clock
    python -m simulator run --llm recorded:rec.json --clock virtual    # same as replay

Each event is printed on one line (time, lane, kind, detail); the figures follow
at the end. Errors are one line on stderr and a non-zero exit code; whatever was
recorded is still saved to ``--out`` / ``--record``. The run itself is a
``LiveRun``, the same as on the app's Live page: every command runs in a bubblewrap
sandbox, and the run's state lives in ``--state-dir``, which each start reopens
first (runs a killed command line left behind are marked interrupted and their
temporary work directories removed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

from exports.text import event_line, metrics_text
from simulator.errors import InputError, ModelError, SimulatorError, UnsafeCommandError
from simulator.i18n import _, ngettext
from simulator.live.isolation import unsandboxed_warning
from simulator.live.models import anthropic_model, recorded_model
from simulator.live.run import LiveRun, RunView, seed_files
from simulator.live.settings import MAX_OUTPUT_CAP, RunSettings, max_output_from_env
from simulator.live.state import Recovery, RunState, default_state_dir, recover
from simulator.metrics import metrics
from simulator.modes import MODES, PARALLEL
from simulator.notifications import BACKGROUND_RESULTS, NOTIFICATION_SHAPES
from simulator.privacy import privacy_replacements, save_json, scrub_text
from simulator.runs import run_scenario
from simulator.scenario import Scenario, load_scenario
from simulator.storage import atomic_write_text
from simulator.text import one_line
from simulator.trace import Trace

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STOPPED = 0, 1, 2, 130


def parse_llm(spec: str) -> tuple[str, str | None]:
    """``anthropic`` or ``recorded:FILE`` -> (kind, file)."""
    if spec == "anthropic":
        return "anthropic", None
    if spec.startswith("recorded:") and spec[len("recorded:"):].strip():
        return "recorded", spec[len("recorded:"):].strip()
    raise InputError("--llm", _("{spec!r} is not 'anthropic' or 'recorded:FILE'").format(spec=spec))


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``run`` command to the CLI's sub-parsers."""
    p = subparsers.add_parser(
        "run", help=_("run a live session (Anthropic API or a recording) with real commands"),
        description=_("Run the s08 agent loop for real, printing each event as it happens, then the figures."))
    p.add_argument("prompt", nargs="?", help=_("the user's request (a recording brings its own)"))
    p.add_argument("--llm", default="anthropic", metavar="anthropic|recorded:FILE",
                   help=_("the model: the Anthropic API (needs ANTHROPIC_API_KEY), or the decisions of a recording "
                        "(a file, or the name of a bundled one)"))
    p.add_argument("--clock", choices=("real", "virtual"), default="real",
                   help=_("real: run the commands; virtual: replay a recording instantly (default real)"))
    p.add_argument("--workdir", metavar="DIR", help=_("where commands run (default: a new temporary directory)"))
    p.add_argument("--mode", choices=MODES, default=None,
                   help=_("parallel (s08) or serial (s07); default parallel, or the mode a recording was made in"))
    p.add_argument("--timeout", type=float, default=120.0, metavar="S", help=_("seconds before a command is killed"))
    p.add_argument("--end-wait", type=float, default=300.0, metavar="S",
                   help=_("seconds to wait for background tasks after the model ends its turn"))
    p.add_argument("--max-concurrent", type=int, default=8, metavar="N", help=_("background tasks running at once"))
    p.add_argument("--max-seconds", type=float, default=None, metavar="S", help=_("stop the whole run after S seconds"))
    p.add_argument("--model", default=None, help=_("model id (default: $S08_MODEL or the built-in default)"))
    p.add_argument("--max-tokens", type=int, default=4096, metavar="N", help=_("output tokens per model call"))
    p.add_argument("--max-output-mb", type=float, default=None, metavar="MB",
                   help=_("kill a command that prints more than this (default: $S08_MAX_OUTPUT_MB or 100)"))
    p.add_argument("--state-dir", metavar="DIR", default=None,
                   help=_("where runs keep their task records; reopened at start to recover runs a crash "
                        "interrupted (default: $S08_STATE_DIR or ~/.local/state/s08)"))
    p.add_argument("--notification-shape", choices=NOTIFICATION_SHAPES, default=BACKGROUND_RESULTS,
                   help=_("how finished tasks are announced to the model: the lesson's <background-results> lines "
                        "(default) or Claude Code's <task-notification> elements"))
    p.add_argument("--record", metavar="FILE", help=_("save the run as a recording (scenario format)"))
    p.add_argument("--out", metavar="FILE", help=_("save the trace JSON"))
    p.add_argument("--note", default=None, help=_("a note stored in the recording's source"))
    p.add_argument("--no-pace", action="store_true",
                   help=_("with a recording on the real clock: answer at once instead of taking the recorded time"))
    p.add_argument("--quiet", action="store_true", help=_("print only the end and the figures"))
    p.set_defaults(func=cmd_run)
    return p


class _Printer:
    """Prints events from any thread, one whole line at a time, never a credential."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.lock = threading.Lock()
        self.replacements = privacy_replacements()  # every form of every credential in the environment

    def line(self, text: str) -> None:
        text = scrub_text(text, self.replacements)
        with self.lock:
            print(text, file=self.stream, flush=True)

    def event(self, ev: dict[str, Any]) -> None:
        if not self.quiet or ev.get("kind") in ("error", "session_end"):
            self.line(event_line(ev))

    def figures(self, trace: Trace) -> None:
        for line in metrics_text(metrics(trace)).splitlines():
            self.line(line)


def _fail(message: Any, code: int = EXIT_USAGE) -> int:
    text = scrub_text(one_line(message), privacy_replacements())
    print(_("error: {message}").format(message=text), file=sys.stderr, flush=True)
    return code


def _check_numbers(args: argparse.Namespace) -> str | None:
    """The first command-line number out of range, as a message (None when all are fine)."""
    for name, high in (("timeout", 86400.0), ("end_wait", 86400.0), ("max_seconds", 7 * 86400.0)):
        value = getattr(args, name)
        if value is not None and not 0 < value <= high:  # also refuses nan; inf is over any bound
            return _("--{name} must be a number of seconds above 0 and at most {high:g}").format(
                name=name.replace("_", "-"), high=high)
    if args.max_concurrent is not None and not 1 <= args.max_concurrent <= 1000:
        return _("--max-concurrent must be between 1 and 1000")
    if not 1 <= args.max_tokens <= 1_000_000:
        return _("--max-tokens must be between 1 and 1000000")
    if args.max_output_mb is not None and not 0 < args.max_output_mb * (1 << 20) <= MAX_OUTPUT_CAP:
        return _("--max-output-mb must be above 0 and at most {high}").format(high=MAX_OUTPUT_CAP >> 20)
    return None


def cmd_run(args: argparse.Namespace) -> int:
    """Run the ``run`` command; returns the exit code."""
    out = sys.stdout
    try:
        kind, rec_file = parse_llm(args.llm)
    except InputError as exc:
        return _fail(exc)
    problem = _check_numbers(args)
    if problem:
        return _fail(problem)
    scenario: Scenario | None = None
    if kind == "recorded":
        try:
            scenario = load_scenario(rec_file)
        except InputError as exc:
            return _fail(exc)
        if not args.mode:
            args.mode = scenario.raw.get("settings", {}).get("mode") or PARALLEL
        if args.prompt and args.prompt != scenario.prompt:
            print(_("(a recording replays its own prompt; the prompt given was ignored)"), file=out)
    elif not args.prompt or not args.prompt.strip():
        return _fail(_("a prompt is required with --llm anthropic"))
    args.mode = args.mode or PARALLEL
    if args.clock == "virtual":
        if scenario is None:
            return _fail(_("--clock virtual replays a recording: use --llm recorded:FILE (or --clock real)"))
        if args.record:
            return _fail(_("--record needs --clock real: a virtual replay measures nothing new"))
        return _run_virtual(scenario, args, out)
    return _run_real(kind, scenario, args, out)


def _run_virtual(scenario: Scenario, args: argparse.Namespace, out: TextIO) -> int:
    printer = _Printer(out, args.quiet)
    trace = run_scenario(scenario, args.mode, notification_shape=args.notification_shape
                         if args.notification_shape != BACKGROUND_RESULTS else None)
    for ev in trace.events:
        printer.event(ev)
    printer.figures(trace)
    if args.out:
        try:
            save_json(trace.to_dict(), args.out)
        except OSError as exc:
            return _fail(_("{file}: cannot write ({why})").format(file=exc.filename or args.out, why=exc.strerror),
                         EXIT_FAILED)
        printer.line(_("trace saved to {file}").format(file=args.out))
    return _exit_code(trace)


def _workdir(args: argparse.Namespace, printer: _Printer) -> Path:
    """The work directory: the one given (made if missing), or a new temporary one."""
    if not args.workdir:
        workdir = Path(tempfile.mkdtemp(prefix="s08-run-"))
        printer.line(_("(work directory: {path})").format(path=workdir))
        return workdir
    workdir = Path(args.workdir)
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(args.workdir, _("cannot create the work directory ({why})").format(why=exc.strerror)) \
            from None
    if not workdir.is_dir():
        raise InputError(args.workdir, _("is not a directory"))
    return workdir


def _reopen_state(args: argparse.Namespace, printer: _Printer) -> Path:
    """The state directory, after recovering what a killed run left in it (said in one line)."""
    root = Path(args.state_dir) if args.state_dir else default_state_dir()
    try:
        found = recover(root)
    except OSError as exc:
        raise InputError(str(root), _("cannot open the state directory ({why})").format(why=exc.strerror)) from None
    if found:
        printer.line(_recovered_line(found, root))
    return root


def _recovered_line(found: Recovery, root: Path) -> str:
    """One line on what the recovery did."""
    runs = ngettext("recovered {n} interrupted run from {dir}", "recovered {n} interrupted runs from {dir}",
                    found.runs).format(n=found.runs, dir=root)
    tasks = ngettext("{n} task marked interrupted", "{n} tasks marked interrupted", found.tasks).format(n=found.tasks)
    dirs = ngettext("{n} stale work directory removed", "{n} stale work directories removed",
                    found.workdirs).format(n=found.workdirs)
    killed = ngettext("{n} leftover process group killed", "{n} leftover process groups killed",
                      found.killed).format(n=found.killed)
    return f"({runs}: {tasks}, {killed}, {dirs})"


def _model(kind: str, scenario: Scenario | None, args: argparse.Namespace,
           stop_event: threading.Event) -> tuple[Any, str, str]:
    """(model, prompt, label) for the run; raises ``ModelError`` when there is no key."""
    if kind == "anthropic":
        model = anthropic_model(args.model, max_tokens=args.max_tokens)
        return model, args.prompt, model.name
    assert scenario is not None
    model = recorded_model(scenario, pace=not args.no_pace, stop_event=stop_event)
    return model, scenario.prompt, str(scenario.source.get("model") or "recorded")


def _wait(run: LiveRun, printer: _Printer) -> bool:
    """Wait for the run to end; Ctrl-C stops it cleanly. True if it was interrupted."""
    interrupted = False
    while True:
        try:
            if run.join(0.1):
                return interrupted
        except KeyboardInterrupt:
            if not interrupted:
                interrupted = True
                printer.line(_("(stopping: interrupted)"))
                run.stop()


def _run_real(kind: str, scenario: Scenario | None, args: argparse.Namespace, out: TextIO) -> int:
    printer = _Printer(out, args.quiet)
    stop_event = threading.Event()
    try:
        state_root = _reopen_state(args, printer)
        model, prompt, label = _model(kind, scenario, args, stop_event)
        workdir = _workdir(args, printer)
        if scenario is not None:
            seed_files(scenario, workdir)
    except (ModelError, InputError) as exc:
        return _fail(exc)
    except (UnsafeCommandError, OSError) as exc:
        return _fail(_("{file}: cannot write its files into the work directory ({why})").format(
            file=scenario.path or scenario.name if scenario is not None else "?", why=exc))
    warning = unsandboxed_warning()
    if warning:
        printer.line(f"({warning})")
    cap = int(args.max_output_mb * (1 << 20)) if args.max_output_mb is not None else max_output_from_env()
    settings = RunSettings(mode=args.mode, timeout_s=args.timeout, max_concurrent=args.max_concurrent,
                           end_wait_s=args.end_wait, max_run_s=args.max_seconds, max_output_bytes=cap,
                           notification_shape=args.notification_shape)
    name = Path(args.record).stem if args.record else None
    run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    try:
        # this run's task records and logs only, outside the work directory: a reused work
        # directory never hands it the undelivered results of an earlier run
        state = RunState(state_root, run_id, workdir, owns_workdir=not args.workdir)
    except OSError as exc:
        return _fail(_("{dir}: cannot write the run's state ({why})").format(dir=state_root, why=exc.strerror))
    try:
        run = LiveRun("cli", model, prompt, workdir, kind=kind, model_label=label, settings=settings,
                      scenario=scenario, stop_event=stop_event, name=name, note=args.note or "",
                      state=state, listener=printer.event)
    except (OSError, SimulatorError, ValueError) as exc:
        state.remove()
        return _fail(_("cannot start the run in {dir}: {why}").format(dir=workdir, why=exc))
    run.begin()
    interrupted = _wait(run, printer)
    view = run.view()
    if view.time_up:
        printer.line(_("(stopped: the {limit:g} s limit was reached)").format(limit=args.max_seconds))
    printer.figures(view.trace)
    code = _save(view, args, printer)
    state.remove()  # the run ended here, not in a crash: nothing is left to recover
    if view.state == "error":
        return _fail(view.error or _("the run failed"), EXIT_FAILED)
    if code:
        return code
    return EXIT_STOPPED if interrupted else _exit_code(view.trace)


def _exit_code(trace: Trace) -> int:
    end = trace.events[-1] if trace.events else {}
    if end.get("kind") != "session_end":
        return EXIT_FAILED
    return EXIT_OK if end.get("reason") == "end_turn" else EXIT_FAILED


def _save(view: RunView, args: argparse.Namespace, printer: _Printer) -> int:
    """Write ``--out`` and ``--record``; returns a non-zero exit code if a write failed."""
    try:
        if args.out:
            atomic_write_text(Path(args.out), view.trace.to_json())
            printer.line(_("trace saved to {file}").format(file=args.out))
        if args.record and view.download is not None:
            atomic_write_text(Path(args.record), view.download.decode("utf-8"))
            if view.download_kind == "recording":
                printer.line(_("recording saved to {file}").format(file=args.record))
            else:
                printer.line(_("{note} It was saved to {file}.").format(note=view.download_note, file=args.record))
    except OSError as exc:
        return _fail(_("{file}: cannot write ({why})").format(file=exc.filename or "output", why=exc.strerror),
                     EXIT_FAILED)
    return 0
