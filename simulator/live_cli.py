"""``python -m simulator run``: a live session printed as it happens, optionally recorded.

    python -m simulator run "PROMPT" --llm anthropic --workdir DIR --record rec.json
    python -m simulator run --llm recorded:rec.json --workdir DIR      # real commands, real clock
    python -m simulator run --llm recorded:rec.json --clock virtual    # same as replay

Each event is printed on one line (time, lane, kind, detail); the metrics follow
at the end. Errors are one line on stderr and a non-zero exit code; whatever was
recorded is still saved to ``--out`` / ``--record``.
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

from .errors import InputError, ModelError, SimulatorError, UnsafeCommandError
from .loop import MODES
from .metrics import metrics
from .models import ModelTurn
from .recording import command_env, recording_from_trace, save_json, secret_values, task_outcomes
from .safety import safe_path
from .scenario import Scenario, load_scenario
from .timeline_text import event_detail, format_event  # noqa: F401  (shared with replay)
from .trace import Trace

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STOPPED = 0, 1, 2, 130
_WIDTH = 100


def format_metrics(trace: Trace) -> list[str]:
    """The run's figures, a few lines."""
    m = metrics(trace)
    delays = f", max delivery delay {m['delivery_delay_max_s']:.2f} s" if m["delivery_delays"] else ""
    return [
        f"end: {m['end_reason']} | mode {m['mode']} | wall {m['wall_s']:.2f} s",
        f"main thread: busy {m['main_busy_s']:.2f} s, blocked {m['main_blocked_s']:.2f} s, "
        f"idle {m['main_idle_s']:.2f} s (waiting {m['main_waiting_s']:.2f} s), "
        f"utilisation {m['utilisation'] * 100:.0f}%",
        f"model calls {m['llm_calls']} | tool calls {m['tool_calls']} | commands {m['commands']} | "
        f"background tasks {m['tasks']} | drains {m['drains']} | injections {m['injections']}{delays}",
    ]


# -- models ----------------------------------------------------------------------------------------
class PacedModel:
    """Wraps a scripted model so that each answer takes its recorded latency in real time."""

    def __init__(self, inner: Any, stop: threading.Event | None = None, speed: float = 1.0) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "scripted")
        self.stop_event = stop or threading.Event()
        self.speed = speed

    # the loop tells a scripted model how many tasks are pending, and the mode
    @property
    def pending_tasks(self) -> int:
        return self.inner.pending_tasks

    @pending_tasks.setter
    def pending_tasks(self, value: int) -> None:
        self.inner.pending_tasks = value

    @property
    def mode(self) -> str:
        return self.inner.mode

    @mode.setter
    def mode(self, value: str) -> None:
        self.inner.mode = value

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], system: str) -> ModelTurn:
        turn = self.inner.respond(messages, tools, system)
        if turn.latency_s and self.speed > 0:
            self.stop_event.wait(turn.latency_s / self.speed)
        return turn


def parse_llm(spec: str) -> tuple[str, str | None]:
    """``anthropic`` or ``recorded:FILE`` -> (kind, file)."""
    if spec == "anthropic":
        return "anthropic", None
    if spec.startswith("recorded:") and spec[len("recorded:"):].strip():
        return "recorded", spec[len("recorded:"):].strip()
    raise InputError("--llm", f"{spec!r} is not 'anthropic' or 'recorded:FILE'")


# -- the subcommand --------------------------------------------------------------------------------
def add_run_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``run`` subcommand to an argparse ``subparsers`` object."""
    p = subparsers.add_parser(
        "run", help="run a live session (Anthropic API or a recording) with real commands",
        description="Run the s08 agent loop for real, printing each event as it happens, then the metrics.")
    p.add_argument("prompt", nargs="?", help="the user's request (a recording brings its own)")
    p.add_argument("--llm", default="anthropic", metavar="anthropic|recorded:FILE",
                   help="the model: the Anthropic API (needs ANTHROPIC_API_KEY), or the decisions of a recording "
                        "(a file, or the name of a bundled one)")
    p.add_argument("--clock", choices=("real", "virtual"), default="real",
                   help="real: run the commands; virtual: replay a recording instantly (default real)")
    p.add_argument("--workdir", metavar="DIR", help="where commands run (default: a new temporary directory)")
    p.add_argument("--mode", choices=MODES, default=None,
                   help="parallel (s08) or serial (s07); default parallel, or the mode a recording was made in")
    p.add_argument("--timeout", type=float, default=120.0, metavar="S", help="seconds before a command is killed")
    p.add_argument("--end-wait", type=float, default=300.0, metavar="S",
                   help="seconds to wait for background tasks after the model ends its turn")
    p.add_argument("--max-concurrent", type=int, default=8, metavar="N", help="background tasks running at once")
    p.add_argument("--max-seconds", type=float, default=None, metavar="S", help="stop the whole run after S seconds")
    p.add_argument("--model", default=None, help="model id (default: $S08_MODEL or the built-in default)")
    p.add_argument("--max-tokens", type=int, default=4096, metavar="N", help="output tokens per model call")
    p.add_argument("--record", metavar="FILE", help="save the run as a recording (scenario format)")
    p.add_argument("--out", metavar="FILE", help="save the trace JSON")
    p.add_argument("--note", default=None, help="a note stored in the recording's source")
    p.add_argument("--no-pace", action="store_true",
                   help="with a recording on the real clock: answer at once instead of taking the recorded time")
    p.add_argument("--quiet", action="store_true", help="print only the end and the metrics")
    p.set_defaults(func=cmd_run)
    return p


class _Printer:
    """Prints events from any thread, one whole line at a time, never a credential."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.lock = threading.Lock()
        self.secrets = secret_values()

    def line(self, text: str) -> None:
        for s in self.secrets:
            text = text.replace(s, "[redacted]")
        with self.lock:
            print(text, file=self.stream, flush=True)

    def event(self, ev: dict[str, Any]) -> None:
        if not self.quiet or ev.get("kind") in ("error", "session_end"):
            self.line(format_event(ev))


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    text = " ".join(str(message).split())
    for s in secret_values():
        text = text.replace(s, "[redacted]")
    print(f"error: {text}", file=sys.stderr, flush=True)
    return code


def _seed_files(scenario: Scenario, workdir: Path) -> None:
    """Write a recording's starting files into the work directory (never over an existing file)."""
    for rel, text in scenario.files.items():
        target = safe_path(workdir, rel)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def _run_live(session: Any, printer: _Printer, max_seconds: float | None,
              stop_event: threading.Event) -> tuple[str | None, BaseException | None, bool]:
    """Run ``session.start()`` on a worker thread; Ctrl-C or the time limit stop it cleanly."""
    result: dict[str, Any] = {}
    done = threading.Event()  # waited on instead of join(): an interrupted join can lose track of the thread

    def work() -> None:
        try:
            result["reason"] = session.start()
        except BaseException as exc:  # reported by the caller as one line
            result["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="s08-live-session", daemon=True)
    worker.start()
    deadline = time.monotonic() + max_seconds if max_seconds else None
    interrupted = False
    while not done.is_set():
        try:
            done.wait(0.1)
            if deadline is not None and time.monotonic() > deadline and not stop_event.is_set():
                printer.line(f"(stopping: the {max_seconds:g} s limit was reached)")
                stop_event.set()
                session.stop()
        except KeyboardInterrupt:
            if interrupted:
                continue
            interrupted = True
            printer.line("(stopping: interrupted)")
            stop_event.set()
            session.stop()
    try:
        worker.join()
    except KeyboardInterrupt:  # a second Ctrl-C while the last events are written
        pass
    return result.get("reason"), result.get("error"), interrupted


def cmd_run(args: argparse.Namespace) -> int:
    """Run the ``run`` subcommand; returns the exit code."""
    out = sys.stdout
    try:
        kind, rec_file = parse_llm(args.llm)
    except InputError as exc:
        return _fail(str(exc))
    for name in ("timeout", "end_wait"):
        if getattr(args, name) <= 0:
            return _fail(f"--{name.replace('_', '-')} must be a positive number of seconds")
    if args.max_concurrent is not None and args.max_concurrent < 1:
        return _fail("--max-concurrent must be at least 1")
    if args.max_tokens < 1:
        return _fail("--max-tokens must be at least 1")
    scenario: Scenario | None = None
    if kind == "recorded":
        try:
            scenario = load_scenario(rec_file)
        except InputError as exc:
            return _fail(str(exc))
        if not args.mode:
            args.mode = scenario.raw.get("settings", {}).get("mode") or "parallel"
        if args.prompt and args.prompt != scenario.prompt:
            print("(a recording replays its own prompt; the prompt given was ignored)", file=out)
    elif not args.prompt or not args.prompt.strip():
        return _fail("a prompt is required with --llm anthropic")
    args.mode = args.mode or "parallel"
    if args.clock == "virtual":
        if scenario is None:
            return _fail("--clock virtual replays a recording: use --llm recorded:FILE (or --clock real)")
        if args.record:
            return _fail("--record needs --clock real: a virtual replay measures nothing new")
        return _run_virtual(scenario, args, out)
    return _run_real(kind, scenario, args, out)


def _run_virtual(scenario: Scenario, args: argparse.Namespace, out: TextIO) -> int:
    from .session import run_scenario

    printer = _Printer(out, args.quiet)
    trace = run_scenario(scenario, args.mode)
    for ev in trace.events:
        printer.event(ev)
    for line in format_metrics(trace):
        printer.line(line)
    code = _save(trace, args, None, scenario, printer)
    return code if code else _exit_code(trace)


def _run_real(kind: str, scenario: Scenario | None, args: argparse.Namespace, out: TextIO) -> int:
    from .anthropic_model import AnthropicModel
    from .session import LiveSession, scenario_model

    printer = _Printer(out, args.quiet)
    stop_event = threading.Event()
    if kind == "anthropic":
        model: Any = AnthropicModel(args.model, max_tokens=args.max_tokens)
        try:
            model.check_credentials()
        except ModelError as exc:
            return _fail(str(exc))
        prompt = args.prompt
        model_label = model.name
    else:
        assert scenario is not None
        inner = scenario_model(scenario)
        model = inner if args.no_pace else PacedModel(inner, stop_event)
        prompt = scenario.prompt
        model_label = str(scenario.source.get("model") or "recorded")
    if args.workdir:
        workdir = Path(args.workdir)
        try:
            workdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _fail(f"{args.workdir}: cannot create the work directory ({exc.strerror})")
    else:
        workdir = Path(tempfile.mkdtemp(prefix="s08-run-"))
        printer.line(f"(work directory: {workdir})")
    if scenario is not None:
        try:
            _seed_files(scenario, workdir)
        except (UnsafeCommandError, OSError) as exc:
            return _fail(f"{_rec_name(scenario)}: cannot write its files into the work directory ({exc})")
    meta = {"llm": kind, "model": model_label}
    if scenario is not None:
        meta["replay_of"] = scenario.name
    # task records and logs of this run only: a reused work directory must not hand this run
    # the undelivered results of an earlier one
    state_dir = workdir / ".tasks" / f"run-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    try:
        session = LiveSession(model, prompt, workdir, mode=args.mode, timeout_s=args.timeout,
                              max_concurrent=args.max_concurrent, end_wait_s=args.end_wait,
                              state_dir=state_dir, listener=printer.event, meta=meta, env=command_env())
    except (OSError, SimulatorError, ValueError) as exc:
        return _fail(f"cannot start the session in {workdir}: {exc}")
    reason, error, interrupted = _run_live(session, printer, args.max_seconds, stop_event)
    trace = session.trace
    for line in format_metrics(trace):
        printer.line(line)
    code = _save(trace, args, session, scenario, printer, kind=kind, model_label=model_label, workdir=workdir)
    if error is not None:
        return _fail(f"the run failed: {type(error).__name__}: {error}", EXIT_FAILED)
    if code:
        return code
    if interrupted:
        return EXIT_STOPPED
    return _exit_code(trace)


def _rec_name(scenario: Scenario) -> str:
    return scenario.path or scenario.name


def _exit_code(trace: Trace) -> int:
    end = trace.events[-1] if trace.events else {}
    if end.get("kind") != "session_end":
        return EXIT_FAILED
    if end.get("reason") == "model_error":
        _fail(end.get("message", "the model could not answer"), EXIT_FAILED)
        return EXIT_FAILED
    return EXIT_OK if end.get("reason") == "end_turn" else EXIT_FAILED


def _save(trace: Trace, args: argparse.Namespace, session: Any, scenario: Scenario | None, printer: _Printer,
          *, kind: str = "recorded", model_label: str | None = None, workdir: Path | None = None) -> int:
    """Write ``--out`` and ``--record``; returns a non-zero exit code if a write failed."""
    try:
        if args.out:
            save_json(trace.to_dict(), args.out, workdir=workdir)
            printer.line(f"trace saved to {args.out}")
        if args.record:
            turns = sum(1 for ev in trace.events if ev["kind"] == "model_end" and not ev.get("synthetic"))
            if not turns:
                save_json(trace.to_dict(), args.record, workdir=workdir)
                printer.line(f"no model turn was recorded: saved the trace to {args.record} instead")
                return 0
            note = args.note
            if scenario is not None:
                extra = f"Replay of {scenario.name!r} with real commands; the decisions are the recording's."
                note = f"{note} {extra}" if note else extra
            data = recording_from_trace(
                trace, prompt=trace.meta.get("prompt"),
                commands_measured=task_outcomes(session.bg) if session is not None else None,
                model_name=model_label, llm_kind=kind, note=note, name=Path(args.record).stem,
                files=dict(scenario.files) if scenario is not None else None, workdir=workdir)
            save_json(data, args.record, workdir=workdir)
            printer.line(f"recording saved to {args.record}")
    except OSError as exc:
        return _fail(f"{exc.filename or 'output'}: cannot write ({exc.strerror})", EXIT_FAILED)
    except SimulatorError as exc:
        return _fail(str(exc), EXIT_FAILED)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``run`` on its own (``python -m simulator.live_cli ...``)."""
    parser = argparse.ArgumentParser(prog="python -m simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    add_run_parser(sub)
    args = parser.parse_args(["run", *(sys.argv[1:] if argv is None else argv)])
    return cmd_run(args)


__all__ = ["PacedModel", "add_run_parser", "cmd_run", "event_detail", "format_event", "format_metrics",
           "main", "parse_llm"]


if __name__ == "__main__":
    sys.exit(main())
