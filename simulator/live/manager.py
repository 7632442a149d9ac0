"""Every live run on this server: one at a time per browser session, a few at once in all.

The manager keeps each run's state in the state directory (``state.py``) and, when it is
made (at the server's first script run), reopens what an earlier server left there:
runs it was running when it died are marked interrupted and their work directories
removed.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from ..errors import SimulatorError
from ..i18n import _, ngettext
from ..real.environ_guard import hide_api_keys
from ..scenario import Scenario
from ..text import one_line
from .run import LiveRun, seed_files
from .settings import MAX_PROMPT_CHARS, REAP_EVERY_S, LiveRunRefused, RunSettings, max_runs_from_env
from .state import Recovery, RunState, default_state_dir, recover


class LiveRunManager:
    """Live runs keyed by owner (one browser session): one run at a time each, ``max_runs`` on the server.

    A finished run stays (to be viewed and downloaded) until its owner starts
    another, forgets it, or stops polling for ``idle_forget_s``; a running run
    whose owner stopped polling for ``idle_stop_s`` is stopped.
    """

    def __init__(self, max_runs: int | None = None, *, idle_stop_s: float = 300.0,
                 idle_forget_s: float = 1800.0, state_dir: str | Path | None = None) -> None:
        self.max_runs = max_runs if max_runs is not None else max_runs_from_env()
        hide_api_keys()  # for runs without a sandbox: keep keys out of /proc/<pid>/environ
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        try:
            self.recovery = recover(self.state_dir)
        except OSError:
            self.recovery = Recovery()
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
            raise LiveRunRefused(_("the prompt is empty: type what the agent should do"))
        if len(prompt) > MAX_PROMPT_CHARS:
            raise LiveRunRefused(ngettext("the prompt is too long ({n} character; the limit is {limit})",
                                          "the prompt is too long ({n} characters; the limit is {limit})",
                                          len(prompt)).format(n=len(prompt), limit=MAX_PROMPT_CHARS))
        self.reap()
        with self._lock:
            current = self._runs.get(owner)
            if current is not None and current.alive:
                raise LiveRunRefused(_("this browser session already has a run going: stop it or wait for it to end"))
            active = sum(1 for r in self._runs.values() if r.alive)
            if active >= self.max_runs:
                raise LiveRunRefused(ngettext("the server is already running {n} live run, its limit: try again "
                                              "when one has ended",
                                              "the server is already running {n} live runs, its limit: try again "
                                              "when one has ended", active).format(n=active))
            if current is not None:
                current.cleanup()
                del self._runs[owner]
            workdir = Path(tempfile.mkdtemp(prefix="s08-live-"))
            state: RunState | None = None
            try:
                state = RunState(self.state_dir, uuid.uuid4().hex[:12], workdir, owns_workdir=True)
                if scenario is not None:
                    seed_files(scenario, workdir)
                run = LiveRun(owner, model, prompt, workdir, kind=kind, model_label=model_label, settings=settings,
                              scenario=scenario, secrets=secrets, stop_event=stop_event, state=state)
            except LiveRunRefused:
                self._discard(workdir, state)
                raise
            except (OSError, SimulatorError, ValueError) as exc:
                self._discard(workdir, state)
                raise LiveRunRefused(_("cannot prepare the work directory: {why}").format(
                    why=one_line(exc, 200))) from None
            self._runs[owner] = run
            run.begin()
        return run

    @staticmethod
    def _discard(workdir: Path, state: RunState | None) -> None:
        shutil.rmtree(workdir, ignore_errors=True)
        if state is not None:
            state.remove()

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
