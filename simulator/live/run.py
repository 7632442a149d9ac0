"""One live run: real commands in a work directory, on a worker thread of its own.

``LiveRun`` builds a ``RealRun`` and runs it on a daemon thread; ``view()`` copies
the trace so far (credentials and the work directory's path scrubbed) and says in
one line what the loop is doing, ``stop()`` ends it from any thread. When the run
ends its download is built once (a recording, or the trace when the model never
answered), scrubbed, and the model, which may hold an API key, is let go. The app
(``manager.py``) and the command line (``cli/run.py``) both run live runs this way.

Every command of a live run runs in a bubblewrap sandbox (``isolation.py``); a run
whose sandbox cannot start on its work directory is refused with one line. Its task
records live in a ``RunState`` folder outside the work directory, where no command
can reach them.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..describe import run_status, task_counts
from ..errors import SimulatorError, UnsafeCommandError
from ..i18n import N_, _
from ..privacy import command_env, privacy_replacements, scrub, secret_values
from ..real.files import WorkDir
from ..real.sandbox import SandboxUnavailable
from ..recording import recording_from_trace, task_outputs
from ..scenario import Scenario, scenario_from_dict
from ..text import one_line
from ..trace import Trace
from .isolation import live_sandbox
from .settings import ACTIVE_STATES, LiveRunRefused, RunSettings
from .state import RunState


def seed_files(scenario: Scenario, workdir: Path, owner: tuple[int, int] | None = None) -> None:
    """Write a recording's starting files into the work directory (confined to it, never over a file)."""
    files = WorkDir(workdir, owner)
    for rel, text in scenario.files.items():
        result = files.write_text(rel, text, only_new=True)
        if result.startswith("Error:"):
            raise UnsafeCommandError(result)


class Later:
    """A sentence written on the worker thread, translated when a page or the command line reads it.

    The worker thread has no reader, so no language of its own: the words wait for ``str()``.
    """

    def __init__(self, message: str, **values: Any) -> None:
        self.message = message  # marked with N_() where it is written
        self.values = values

    def scrubbed(self, repl: dict[str, str]) -> Later:
        return Later(self.message, **{k: scrub(v, repl) for k, v in self.values.items()})

    def __str__(self) -> str:
        return _(self.message).format(**self.values)


class LiveTrace(Trace):
    """A copy of a running trace whose ``duration`` reaches "now", so open bars keep growing."""

    def __init__(self, meta: dict[str, Any], lanes: list[dict[str, Any]], events: list[dict[str, Any]],
                 now: float) -> None:
        super().__init__(meta, lanes, events)
        self.now = float(now)

    @property
    def duration(self) -> float:
        return max(self.now, self.events[-1]["t"] if self.events else 0.0)


def _files(workdir: Path, limit: int = 50) -> list[tuple[str, int]]:
    """Files in the work directory (the run's task records left out), as (relative path, bytes)."""
    out: list[tuple[str, int]] = []
    for root, dirs, names in os.walk(workdir):
        dirs[:] = sorted(d for d in dirs if not (Path(root) == workdir and d == ".tasks"))
        for name in sorted(names):
            path = Path(root) / name
            try:
                out.append((path.relative_to(workdir).as_posix(), path.lstat().st_size))
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
    time_up: bool = False  # stopped because the run reached its time limit
    sandboxed: bool = True  # its commands ran in a sandbox

    @property
    def running(self) -> bool:
        return self.state in ACTIVE_STATES


class LiveRun:
    """One live run on its own worker thread; ``view()`` and ``stop()`` are safe from any thread."""

    def __init__(self, owner: str, model: Any, prompt: str, workdir: Path, *, kind: str, model_label: str,
                 settings: RunSettings, scenario: Scenario | None = None, secrets: list[str] | None = None,
                 stop_event: threading.Event | None = None, name: str | None = None,
                 note: str = "Recorded in the app's Live page.", state: RunState | None = None,
                 listener: Callable[[dict[str, Any]], None] | None = None,
                 agent_models: Callable[[str, str], Any] | None = None) -> None:
        from ..runs import RealRun

        sandbox = live_sandbox()
        if sandbox is not None:
            try:
                sandbox.prepare(workdir)
                sandbox.check(workdir)
            except (SandboxUnavailable, OSError) as exc:
                raise LiveRunRefused(_("the commands cannot run in a sandbox in the work directory: {why}").format(
                    why=one_line(exc, 300))) from None
        self.sandboxed = sandbox is not None
        self.run_state = state

        self.id = uuid.uuid4().hex[:12]
        self.owner = owner
        self.kind = kind
        self.model_label = model_label
        self.prompt = prompt
        self.settings = settings
        self.workdir = workdir
        self.scenario = scenario
        self.state = "starting"
        self.error: str | Later | None = None
        self.message: str | None = None
        self.started = time.monotonic()
        self.ended: float | None = None
        self.last_seen = self.started
        self.name = name or f"live-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
        self.note = note
        self._lock = threading.Lock()
        self._stop_event = stop_event or threading.Event()
        self._time_up = False
        self._replacements = privacy_replacements(workdir, secrets=secret_values() + [s for s in secrets or [] if len(s) >= 8])
        if state is not None:
            self._replacements[str(state.tasks_dir)] = "<state>"
        self._final: Trace | None = None
        self._download: tuple[bytes, str, str | Later] | None = None
        self._files: list[tuple[str, int]] = []
        meta: dict[str, Any] = {"llm": kind, "model": model_label}
        if scenario is not None:
            meta["replay_of"] = scenario.name
        if agent_models is None and scenario is not None and scenario.agents:
            from .models import PacedModel, recorded_agent_models

            agent_models = recorded_agent_models(scenario, pace=isinstance(model, PacedModel),
                                                 stop_event=self._stop_event)
        self._run: Any = RealRun(
            model, prompt, workdir, mode=settings.mode, timeout_s=settings.timeout_s,
            max_concurrent=settings.max_concurrent, end_wait_s=settings.end_wait_s, meta=meta, env=command_env(),
            state_dir=state.tasks_dir if state is not None else None, listener=listener, sandbox=sandbox,
            max_output_bytes=settings.max_output_bytes, notification_shape=settings.notification_shape,
            agent_models=agent_models)
        self._thread = threading.Thread(target=self._work, name=f"s08-live-{self.id}", daemon=True)
        # waited on instead of Thread.join: a join cut short by Ctrl-C can mark a live thread as ended
        self._done = threading.Event()
        self._timer: threading.Timer | None = None
        if settings.max_run_s is not None:
            self._timer = threading.Timer(settings.max_run_s, self._limit_reached)
            self._timer.daemon = True

    # -- control ---------------------------------------------------------------------------
    def begin(self) -> None:
        self.state = "running"
        self._thread.start()
        if self._timer is not None:
            self._timer.start()

    @property
    def alive(self) -> bool:
        return self.state in ACTIVE_STATES

    def stop(self) -> None:
        """End the run: kill every task it started and stop the loop at its next step."""
        with self._lock:
            real = self._run
            if real is None or self._final is not None:
                return
            if self.state in ("starting", "running"):
                self.state = "stopping"
        self._stop_event.set()
        real.stop()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker to end (its download built); True if it has."""
        return self._done.wait(timeout)

    def _limit_reached(self) -> None:
        self._time_up = True
        self.stop()

    # -- the worker --------------------------------------------------------------------------
    def _work(self) -> None:
        reason: str | None = None
        error: str | Later | None = None
        try:
            reason = self._run.start()
        except Exception as exc:  # a bug or an OS failure: one line on the page, the trace kept
            error = Later(N_("The run failed: {type}: {why}"), type=type(exc).__name__, why=str(exc))
        finally:
            if self._timer is not None:
                self._timer.cancel()
            try:
                self._finish(reason, error)
            finally:
                self._done.set()

    def _finish(self, reason: str | None, error: str | Later | None) -> None:
        real = self._run
        repl = self._replacements
        trace = real.trace
        end = trace.events[-1] if trace.events and trace.events[-1]["kind"] == "session_end" else {}
        message = end.get("message")
        if error is None and reason == "model_error":
            error = message or Later(N_("the model could not answer"))
        state = "error" if error else "stopped" if reason == "stopped" else "done"
        clean = scrub(trace.to_dict(), repl)
        final = Trace(meta=clean["meta"], lanes=clean["lanes"], events=clean["events"])
        try:
            download = self._build_download(trace, real, repl, clean)
        except Exception as exc:  # never lose the trace because a recording could not be built
            download = (_to_bytes(clean), "trace", Later(N_("A recording could not be built ({why}); this is the trace."),
                                                         why=one_line(exc, 160)))
        files = [(scrub(name, repl), size) for name, size in _files(self.workdir)]
        with self._lock:
            self._final = final
            self._download = download
            self._files = files
            self.error = (error.scrubbed(repl) if isinstance(error, Later)
                          else one_line(scrub(error, repl), 400) if error else None)
            self.message = one_line(scrub(message, repl), 400) if message else None
            self.state = state
            self._run = None  # lets go of the model, and with it any API key
            self._replacements = {}
            self.ended = time.monotonic()
        if self.run_state is not None:
            self.run_state.end()

    def _build_download(self, trace: Trace, real: Any, repl: dict[str, str],
                        clean: dict[str, Any]) -> tuple[bytes, str, str | Later]:
        turns = sum(1 for ev in trace.events if ev["kind"] == "model_end" and not ev.get("synthetic"))
        if not turns:
            return _to_bytes(clean), "trace", Later(N_("The model gave no answer, so this is the trace of the run."))
        notes = [self.note] if self.note else []
        if self.scenario is not None:
            notes.append(f"Replay of {self.scenario.name!r} with real commands; the decisions are the recording's.")
        note = " ".join(notes) or None
        data = recording_from_trace(
            trace, prompt=trace.meta.get("prompt"), outputs_measured=task_outputs(real.bg),
            model_name=self.model_label, llm_kind=self.kind, note=note, name=self.name,
            title=f"Live run: {one_line(trace.meta.get('prompt', ''), 70)}",
            files=dict(self.scenario.files) if self.scenario is not None else None, workdir=self.workdir)
        data = scrub(data, repl)
        try:
            scenario_from_dict(data, f"{self.name}.json")
        except SimulatorError as exc:
            return _to_bytes(clean), "trace", Later(N_("The run cannot be replayed ({why}); this is its trace."),
                                                    why=one_line(exc, 160))
        return _to_bytes(data), "recording", ""

    # -- polling ---------------------------------------------------------------------------------
    def view(self) -> RunView:
        """A copy of the run as it stands, for the page to draw."""
        with self._lock:
            final, real, repl = self._final, self._run, self._replacements
            state, later, message = self.state, self.error, self.message
            download, files = self._download, list(self._files)
        error = one_line(later, 400) if later is not None else None  # a Later in the reader's language
        now: float | None = None
        if final is not None:
            trace: Trace = final
        else:
            src = real.trace
            events = list(src.events)  # events first: every lane they name is already listed
            lanes = list(src.lanes)
            data = scrub({"meta": dict(src.meta), "lanes": lanes, "events": events}, repl)
            now = real.clock.now()
            trace = LiveTrace(data["meta"], data["lanes"], data["events"], now=now)
        status = run_status(trace.events, trace.duration, state, message=message, error=error,
                            time_limit_s=self.settings.max_run_s if self._time_up else None)
        body, kind, note = download if download is not None else (None, "", "")
        note = str(note)
        return RunView(run_id=self.id, state=state, trace=trace, status=status, counts=task_counts(trace.events),
                       now=now, error=error, message=message, download=body,
                       download_name=f"{self.name}.json", download_kind=kind, download_note=note, files=files,
                       kind=self.kind, model_label=self.model_label, settings=self.settings, time_up=self._time_up,
                       sandboxed=self.sandboxed)

    def cleanup(self) -> None:
        """Remove the work directory and the run's state (only once the worker has ended)."""
        # a run no longer alive is only writing its last lines: give it a moment
        if self._done.wait(0 if self.alive else 10):
            shutil.rmtree(self.workdir, ignore_errors=True)
            if self.run_state is not None:
                self.run_state.remove()


def _to_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
