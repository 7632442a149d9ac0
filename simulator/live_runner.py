"""Live runs for the app: real commands in a fresh work directory, one worker thread per browser session.

The page never touches a running session. ``MANAGER.start(owner, ...)`` makes a
work directory (``tempfile.mkdtemp``), builds a ``LiveSession`` and runs it on a
daemon thread; the page polls ``MANAGER.get(owner).view()``, which copies the
trace so far (credentials and the work directory path scrubbed) and says in one
line what the loop is doing. ``owner`` is a random id kept in the browser
session's own state, so two sessions never see each other's runs or files.

When a run ends its download is built once (a recording, or the trace when the
model never answered), scrubbed, and the model, which may hold an API key, is
let go. Nothing here imports Streamlit.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .environ_guard import hide_api_keys
from .errors import SimulatorError, UnsafeCommandError
from .loop import MODES
from .recording import (
    command_env,
    privacy_replacements,
    recording_from_trace,
    scrub,
    secret_values,
    task_outcomes,
)
from .safety import safe_path
from .scenario import Scenario, scenario_from_dict
from .trace import MAIN, Trace

ENABLE_ENV = "S08_LIVE"
MAX_RUNS_ENV = "S08_LIVE_MAX_RUNS"
DEFAULT_MAX_RUNS = 4  # live runs at once on one server
DEFAULT_TIMEOUT_S = 60.0  # per command
MAX_TIMEOUT_S = 600.0
DEFAULT_MAX_CONCURRENT = 4  # background tasks at once, per browser session
MAX_CONCURRENT_CAP = 4
DEFAULT_END_WAIT_S = 120.0
DEFAULT_MAX_RUN_S = 600.0  # a whole run is stopped after this long
MAX_RUN_CAP_S = 1800.0
MAX_PROMPT_CHARS = 4000
REAP_EVERY_S = 30.0  # how often polling also looks for abandoned runs
ACTIVE_STATES = ("starting", "running", "stopping")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class LiveRunRefused(SimulatorError):
    """A run that cannot start (limits, settings, work directory); ``str()`` is one line for the page."""


# -- switching live runs on ---------------------------------------------------------------------
def live_enabled(env_value: Any = None, secret_value: Any = None) -> tuple[bool, str]:
    """Whether live runs are on, and what turned them on.

    ``env_value`` is ``$S08_LIVE`` (``1``/``true``/``yes``/``on`` turn runs on,
    ``0``/``false``/``no``/``off`` keep them off whatever the secrets say);
    ``secret_value`` is ``live.enabled`` from the Streamlit secrets.
    """
    env = str(env_value).strip().lower() if env_value is not None else ""
    if env in _TRUE:
        return True, f"{ENABLE_ENV}={env_value}"
    if env in _FALSE:
        return False, f"{ENABLE_ENV}={env_value}"
    if secret_value is True or (isinstance(secret_value, str) and secret_value.strip().lower() in _TRUE):
        return True, "live.enabled in the Streamlit secrets"
    return False, ""


def max_runs_from_env(env: dict[str, str] | None = None) -> int:
    """``$S08_LIVE_MAX_RUNS`` as a positive integer, else ``DEFAULT_MAX_RUNS``."""
    raw = (os.environ if env is None else env).get(MAX_RUNS_ENV, "")
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MAX_RUNS
    return value if value >= 1 else DEFAULT_MAX_RUNS


# -- settings ---------------------------------------------------------------------------------------
@dataclass
class RunSettings:
    """The limits of one live run."""

    mode: str = "parallel"
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    end_wait_s: float = DEFAULT_END_WAIT_S
    max_run_s: float = DEFAULT_MAX_RUN_S

    def check(self) -> None:
        """Raise ``LiveRunRefused`` naming the first setting out of range."""
        if self.mode not in MODES:
            raise LiveRunRefused(f"the harness must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not 0 < self.timeout_s <= MAX_TIMEOUT_S:
            raise LiveRunRefused(f"the command timeout must be between 0 and {MAX_TIMEOUT_S:g} s")
        if not 1 <= self.max_concurrent <= MAX_CONCURRENT_CAP:
            raise LiveRunRefused(f"background tasks at once must be between 1 and {MAX_CONCURRENT_CAP}")
        if not 0 < self.end_wait_s <= MAX_RUN_CAP_S:
            raise LiveRunRefused(f"the end wait must be between 0 and {MAX_RUN_CAP_S:g} s")
        if not 0 < self.max_run_s <= MAX_RUN_CAP_S:
            raise LiveRunRefused(f"the run's time limit must be between 0 and {MAX_RUN_CAP_S:g} s")


# -- models ----------------------------------------------------------------------------------------
def anthropic_model(model_id: str | None = None, api_key: str | None = None) -> Any:
    """An ``AnthropicModel`` whose credentials were checked (no request is made); raises ``ModelError``."""
    from .anthropic_model import AnthropicModel

    model = AnthropicModel((model_id or "").strip() or None, api_key=(api_key or "").strip() or None)
    model.check_credentials()
    return model


def recorded_model(scenario: Scenario, *, pace: bool, stop_event: threading.Event) -> Any:
    """A recording's decisions as a model; with ``pace`` each answer takes its recorded time."""
    from .live_cli import PacedModel
    from .session import scenario_model

    inner = scenario_model(scenario)
    return PacedModel(inner, stop_event) if pace else inner


def seed_files(scenario: Scenario, workdir: Path) -> None:
    """Write a recording's starting files into the work directory (confined to it)."""
    for rel, text in scenario.files.items():
        target = safe_path(workdir, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


# -- what the loop is doing -----------------------------------------------------------------------
class LiveTrace(Trace):
    """A copy of a running session's trace whose ``duration`` reaches "now", so open bars keep growing."""

    def __init__(self, meta: dict[str, Any], lanes: list[dict[str, Any]], events: list[dict[str, Any]],
                 now: float) -> None:
        super().__init__(meta, lanes, events)
        self.now = float(now)

    @property
    def duration(self) -> float:
        return max(self.now, self.events[-1]["t"] if self.events else 0.0)


def task_counts(trace: Trace) -> dict[str, int]:
    """How many background tasks were started, and how many are queued, running and finished."""
    status: dict[str, str] = {}
    for ev in trace.events:
        kind = ev["kind"]
        if kind == "spawn":
            status.setdefault(ev["task_id"], "spawned")
        elif kind == "task_queued":
            status[ev["task_id"]] = "queued"
        elif kind in ("task_start", "retry"):
            status[ev["task_id"]] = "running"
        elif kind == "finish":
            status[ev["task_id"]] = "finished"
    values = list(status.values())
    return {"started": len(values), "queued": values.count("queued") + values.count("spawned"),
            "running": values.count("running"), "finished": values.count("finished")}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(text: Any, limit: int = 60) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def status_line(trace: Trace, state: str, *, message: str | None = None, error: str | None = None,
                time_limit_s: float | None = None) -> str:
    """One line on what the run is doing now (or how it ended)."""
    counts = task_counts(trace)
    if state == "error":
        return f"Error: {error or message or 'the run failed'}"
    if state == "stopped":
        why = (f"it reached its time limit of {time_limit_s:g} s" if time_limit_s is not None
               else "you pressed Stop")
        return f"Stopped ({why}) after {trace.duration:.1f} s; every task it started was killed."
    if state == "done":
        return f"Done in {trace.duration:.1f} s: {message or 'the run ended.'}"
    main = [ev for ev in trace.events if ev["lane"] == MAIN]
    last = main[-1] if main else None
    kind = last["kind"] if last else None
    if state == "stopping":
        if kind == "model_start":
            return (f"Stopping: its tasks were killed; waiting for model call #{last.get('call')} to return "
                    "(a request in flight cannot be cut short).")
        return "Stopping: killing every task this run started…"
    if kind is None or kind == "session_start":
        text = "Starting the session…"
    elif kind == "model_start":
        text = f"Model call #{last.get('call')}: waiting for the answer…"
    elif kind == "model_end":
        text = "Reading the model's answer…"
    elif kind == "tool_start":
        args = last.get("input") if isinstance(last.get("input"), dict) else {}
        what = args.get("command") or args.get("path") or args.get("task_id") or ""
        detail = f" ({_short(what)})" if what else ""
        text = (f"Running {last.get('tool')}{detail} on the main thread: the loop is blocked until it ends…"
                if last.get("blocking") else f"Running tool {last.get('tool')}{detail}…")
    elif kind == "wait_start":
        pending = counts["running"] + counts["queued"]
        text = f"Waiting for {_plural(pending, 'background task')} (the model has ended its turn)…"
    elif kind in ("wait_end", "drain", "inject"):
        text = "Draining the notification queue before the next model call…"
    elif kind in ("error", "session_end"):
        text = "Ending the session…"
    else:
        text = "Running the model's tool calls…"
    if counts["running"] and kind != "wait_start":
        text += f" · {_plural(counts['running'], 'background task')} running"
    return text


# -- one run ---------------------------------------------------------------------------------------
def _one_line(text: Any, limit: int = 400) -> str:
    return _short(text, limit)


def _files(workdir: Path, limit: int = 50) -> list[tuple[str, int]]:
    """Files in the work directory (the run's task records left out), as (relative path, bytes)."""
    out: list[tuple[str, int]] = []
    for root, dirs, names in os.walk(workdir):
        dirs[:] = sorted(d for d in dirs if not (Path(root) == workdir and d == ".tasks"))
        for name in sorted(names):
            path = Path(root) / name
            try:
                out.append((path.relative_to(workdir).as_posix(), path.stat().st_size))
            except OSError:
                continue
            if len(out) >= limit:
                return out
    return out


@dataclass
class RunView:
    """What the page draws on one poll: a copy of the trace and the run's state."""

    run_id: str
    state: str
    trace: Trace
    status: str
    counts: dict[str, int]
    now: float | None  # the time of "now" on the timeline while running, else None
    error: str | None = None
    message: str | None = None
    download: bytes | None = None
    download_name: str = ""
    download_kind: str = ""  # recording | trace
    download_note: str = ""
    files: list[tuple[str, int]] = field(default_factory=list)
    kind: str = ""
    model_label: str = ""
    settings: RunSettings | None = None

    @property
    def running(self) -> bool:
        return self.state in ACTIVE_STATES


class LiveRun:
    """One live session on its own worker thread; ``view()`` and ``stop()`` are safe from any thread."""

    def __init__(self, owner: str, model: Any, prompt: str, workdir: Path, *, kind: str, model_label: str,
                 settings: RunSettings, scenario: Scenario | None = None, secrets: list[str] | None = None,
                 stop_event: threading.Event | None = None) -> None:
        from .session import LiveSession

        self.id = uuid.uuid4().hex[:12]
        self.owner = owner
        self.kind = kind
        self.model_label = model_label
        self.prompt = prompt
        self.settings = settings
        self.workdir = workdir
        self.scenario = scenario
        self.state = "starting"
        self.error: str | None = None
        self.message: str | None = None
        self.started = time.monotonic()
        self.ended: float | None = None
        self.last_seen = self.started
        self.name = f"live-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
        self._lock = threading.Lock()
        self._stop_event = stop_event or threading.Event()
        self._time_up = False
        self._replacements = privacy_replacements(workdir, secrets=secret_values() + [s for s in secrets or [] if len(s) >= 8])
        self._final: Trace | None = None
        self._download: tuple[bytes, str, str] | None = None
        self._files: list[tuple[str, int]] = []
        meta: dict[str, Any] = {"llm": kind, "model": model_label}
        if scenario is not None:
            meta["replay_of"] = scenario.name
        self._session: Any = LiveSession(
            model, prompt, workdir, mode=settings.mode, timeout_s=settings.timeout_s,
            max_concurrent=settings.max_concurrent, end_wait_s=settings.end_wait_s, meta=meta, env=command_env())
        self._thread = threading.Thread(target=self._work, name=f"s08-live-{self.id}", daemon=True)
        self._timer = threading.Timer(settings.max_run_s, self._limit_reached)
        self._timer.daemon = True

    # -- control ---------------------------------------------------------------------------
    def begin(self) -> None:
        self.state = "running"
        self._thread.start()
        self._timer.start()

    @property
    def alive(self) -> bool:
        return self.state in ACTIVE_STATES

    def stop(self) -> None:
        """End the run: kill every task it started and stop the loop at its next step."""
        with self._lock:
            session = self._session
            if session is None or self._final is not None:
                return
            if self.state in ("starting", "running"):
                self.state = "stopping"
        self._stop_event.set()
        session.stop()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker to end; True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _limit_reached(self) -> None:
        self._time_up = True
        self.stop()

    # -- the worker --------------------------------------------------------------------------
    def _work(self) -> None:
        reason: str | None = None
        error: str | None = None
        try:
            reason = self._session.start()
        except Exception as exc:  # a bug or an OS failure: one line on the page, the trace kept
            error = f"The run failed: {type(exc).__name__}: {exc}"
        finally:
            self._timer.cancel()
            self._finish(reason, error)

    def _finish(self, reason: str | None, error: str | None) -> None:
        session = self._session
        repl = self._replacements
        trace = session.trace
        end = trace.events[-1] if trace.events and trace.events[-1]["kind"] == "session_end" else {}
        message = end.get("message")
        if error is None and reason == "model_error":
            error = message or "the model could not answer"
        state = "error" if error else "stopped" if reason == "stopped" else "done"
        clean = scrub(trace.to_dict(), repl)
        final = Trace(meta=clean["meta"], lanes=clean["lanes"], events=clean["events"])
        try:
            download = self._build_download(trace, session, repl, clean)
        except Exception as exc:  # never lose the trace because a recording could not be built
            download = (_to_bytes(clean), "trace", f"A recording could not be built ({_one_line(exc, 160)}); "
                                                   "this is the trace.")
        files = [(scrub(name, repl), size) for name, size in _files(self.workdir)]
        with self._lock:
            self._final = final
            self._download = download
            self._files = files
            self.error = _one_line(scrub(error, repl)) if error else None
            self.message = _one_line(scrub(message, repl)) if message else None
            self.state = state
            self._session = None  # lets go of the model, and with it any API key
            self._replacements = {}
            self.ended = time.monotonic()

    def _build_download(self, trace: Trace, session: Any, repl: dict[str, str],
                        clean: dict[str, Any]) -> tuple[bytes, str, str]:
        turns = sum(1 for ev in trace.events if ev["kind"] == "model_end" and not ev.get("synthetic"))
        if not turns:
            return _to_bytes(clean), "trace", "The model gave no answer, so this is the trace of the run."
        note = "Recorded in the app's Live page."
        if self.scenario is not None:
            note += f" Replay of {self.scenario.name!r} with real commands; the decisions are the recording's."
        data = recording_from_trace(
            trace, prompt=trace.meta.get("prompt"), commands_measured=task_outcomes(session.bg),
            model_name=self.model_label, llm_kind=self.kind, note=note, name=self.name,
            title=f"Live run: {_short(trace.meta.get('prompt', ''), 70)}",
            files=dict(self.scenario.files) if self.scenario is not None else None, workdir=self.workdir)
        data = scrub(data, repl)
        try:
            scenario_from_dict(data, f"{self.name}.json")
        except SimulatorError as exc:
            return _to_bytes(clean), "trace", f"The run cannot be replayed ({_one_line(exc, 160)}); this is its trace."
        return _to_bytes(data), "recording", ""

    # -- polling ---------------------------------------------------------------------------------
    def view(self) -> RunView:
        """A copy of the run as it stands, for the page to draw."""
        with self._lock:
            final, session, repl = self._final, self._session, self._replacements
            state, error, message = self.state, self.error, self.message
            download, files = self._download, list(self._files)
        now: float | None = None
        if final is not None:
            trace: Trace = final
        else:
            src = session.trace
            events = list(src.events)  # events first: every lane they name is already listed
            lanes = list(src.lanes)
            data = scrub({"meta": dict(src.meta), "lanes": lanes, "events": events}, repl)
            now = session.clock.now()
            trace = LiveTrace(data["meta"], data["lanes"], data["events"], now=now)
        status = status_line(trace, state, message=message, error=error,
                             time_limit_s=self.settings.max_run_s if self._time_up else None)
        body, kind, note = download if download is not None else (None, "", "")
        return RunView(run_id=self.id, state=state, trace=trace, status=status, counts=task_counts(trace),
                       now=now, error=error, message=message, download=body,
                       download_name=f"{self.name}.json", download_kind=kind, download_note=note, files=files,
                       kind=self.kind, model_label=self.model_label, settings=self.settings)

    def cleanup(self) -> None:
        """Remove the work directory (only once the worker has ended)."""
        if not self._thread.is_alive():
            shutil.rmtree(self.workdir, ignore_errors=True)


def _to_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- every run on this server ------------------------------------------------------------------------
class LiveRunManager:
    """Live runs keyed by owner (one browser session): one run at a time each, ``max_runs`` on the server.

    A finished run stays (to be viewed and downloaded) until its owner starts
    another, forgets it, or stops polling for ``idle_forget_s``; a running run
    whose owner stopped polling for ``idle_stop_s`` is stopped.
    """

    def __init__(self, max_runs: int | None = None, *, idle_stop_s: float = 300.0,
                 idle_forget_s: float = 1800.0) -> None:
        self.max_runs = max_runs if max_runs is not None else max_runs_from_env()
        hide_api_keys()  # live commands run as this process's user: keep keys out of /proc/<pid>/environ
        self.idle_stop_s = idle_stop_s
        self.idle_forget_s = idle_forget_s
        self._runs: dict[str, LiveRun] = {}
        self._lock = threading.Lock()
        self._last_reap = time.monotonic()

    def start(self, owner: str, model: Any, prompt: str, *, kind: str, model_label: str,
              settings: RunSettings | None = None, scenario: Scenario | None = None,
              secrets: list[str] | None = None, stop_event: threading.Event | None = None) -> LiveRun:
        """Start a run for ``owner`` in a fresh work directory; raises ``LiveRunRefused`` with one line."""
        settings = settings or RunSettings()
        settings.check()
        if not prompt or not prompt.strip():
            raise LiveRunRefused("the prompt is empty: type what the agent should do")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise LiveRunRefused(f"the prompt is too long ({len(prompt)} characters; the limit is "
                                 f"{MAX_PROMPT_CHARS})")
        self.reap()
        with self._lock:
            current = self._runs.get(owner)
            if current is not None and current.alive:
                raise LiveRunRefused("this browser session already has a run going: stop it or wait for it to end")
            active = sum(1 for r in self._runs.values() if r.alive)
            if active >= self.max_runs:
                raise LiveRunRefused(f"the server is already running {active} live runs, its limit: try again "
                                     "when one has ended")
            if current is not None:
                current.cleanup()
                del self._runs[owner]
            workdir = Path(tempfile.mkdtemp(prefix="s08-live-"))
            try:
                if scenario is not None:
                    seed_files(scenario, workdir)
                run = LiveRun(owner, model, prompt, workdir, kind=kind, model_label=model_label, settings=settings,
                              scenario=scenario, secrets=secrets, stop_event=stop_event)
            except (OSError, UnsafeCommandError, ValueError) as exc:
                shutil.rmtree(workdir, ignore_errors=True)
                raise LiveRunRefused(f"cannot prepare the work directory: {_one_line(exc, 200)}") from None
            self._runs[owner] = run
            run.begin()
        return run

    def get(self, owner: str) -> LiveRun | None:
        """The owner's latest run (marked as seen), or None; now and then tidies up abandoned runs."""
        if time.monotonic() - self._last_reap > REAP_EVERY_S:
            self.reap()
        with self._lock:
            run = self._runs.get(owner)
            if run is not None:
                run.last_seen = time.monotonic()
        return run

    def stop(self, owner: str) -> bool:
        """Stop the owner's run if it is going; True if there was one to stop."""
        run = self.get(owner)
        if run is None or not run.alive:
            return False
        run.stop()
        return True

    def forget(self, owner: str) -> None:
        """Stop the owner's run, and remove it and its work directory once its worker has ended."""
        with self._lock:
            run = self._runs.pop(owner, None)
        if run is not None:
            run.stop()
            run.join(30)
            run.cleanup()

    def active(self) -> int:
        """Runs going on the whole server."""
        with self._lock:
            return sum(1 for r in self._runs.values() if r.alive)

    def reap(self, now: float | None = None) -> None:
        """Stop runs nobody watches any more, and drop finished ones left alone for long."""
        now = time.monotonic() if now is None else now
        self._last_reap = time.monotonic()
        gone: list[LiveRun] = []
        with self._lock:
            for owner, run in list(self._runs.items()):
                idle = now - run.last_seen
                if run.alive and idle > self.idle_stop_s:
                    run.stop()
                elif not run.alive and idle > self.idle_forget_s:
                    gone.append(self._runs.pop(owner))
        for run in gone:
            run.cleanup()

    def shutdown(self) -> None:
        """Stop every run and remove every work directory (at interpreter exit)."""
        with self._lock:
            runs = list(self._runs.values())
            self._runs.clear()
        for run in runs:
            run.stop()
        for run in runs:
            run.join(10)
            run.cleanup()


#: The server's one manager (module state lives as long as the Streamlit server process).
MANAGER = LiveRunManager()
atexit.register(MANAGER.shutdown)
