"""The state of live runs on disk, and the crash recovery that reopens it.

A state directory (``$S08_STATE_DIR``, by default ``$XDG_STATE_HOME/s08`` or
``~/.local/state/s08``; the command line's ``--state-dir``) holds one folder per live run::

    runs/<run id>/run.json   what the run is: its work directory, whether we made it, its status
    runs/<run id>/lock       held (flock) by the process running it, for as long as it runs
    runs/<run id>/tasks/     the BackgroundManager's task records and logs

The folder is private (mode 0700) and outside every sandbox: no command can read or
change its records. ``recover()`` runs when the app or the command line starts: each run
whose lock nobody holds any more (its process died: SIGKILL, a crash, a reboot) still
marked ``running`` has its live tasks marked ``interrupted``, what is left of their
process groups killed (with the sandbox nothing is: it died with its process), its
work directory removed if the run made it, its logs dropped, and becomes
``interrupted``. The newest ``KEEP_INTERRUPTED`` such runs are kept for reading.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..real.records import drop_logs, recover_records
from ..storage import atomic_write_text, read_json

STATE_DIR_ENV = "S08_STATE_DIR"
KEEP_INTERRUPTED = 20
_RUN_FILE = "run.json"


def default_state_dir(env: dict[str, str] | None = None) -> Path:
    """``$S08_STATE_DIR``, else ``$XDG_STATE_HOME/s08``, else ``~/.local/state/s08``."""
    env = os.environ if env is None else env
    if env.get(STATE_DIR_ENV, "").strip():
        return Path(env[STATE_DIR_ENV]).expanduser()
    base = env.get("XDG_STATE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "state") / "s08"


def private_dir(path: Path) -> Path:
    """Make ``path`` (and its parents) and keep it readable by this user only."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on ``path`` (its descriptor), or None if another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


class RunState:
    """One live run's folder in the state directory, locked for as long as the run goes on."""

    def __init__(self, root: str | Path, run_id: str, workdir: Path, *, owns_workdir: bool) -> None:
        self.root = Path(root)
        self.dir = private_dir(self.root / "runs" / run_id)
        self.tasks_dir = private_dir(self.dir / "tasks")
        lock = _try_lock(self.dir / "lock")
        if lock is None:
            raise OSError(errno.EBUSY, "another process holds this run's state", str(self.dir))
        self._lock: int | None = lock
        self.info: dict[str, Any] = {"run_id": run_id, "pid": os.getpid(), "started_at": time.time(),
                                     "workdir": str(workdir), "owns_workdir": owns_workdir, "status": "running"}
        self._write()

    def _write(self) -> None:
        atomic_write_text(self.dir / _RUN_FILE, json.dumps(self.info, indent=1) + "\n")

    def end(self, status: str = "ended") -> None:
        """The run is over: say so and let go of the lock (safe to call twice)."""
        if self._lock is None:
            return
        self.info.update(status=status, ended_at=time.time())
        try:
            self._write()
        except OSError:
            pass
        os.close(self._lock)
        self._lock = None

    def remove(self) -> None:
        """Remove the run's folder (its records and logs) once it has ended."""
        self.end()
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Recovery:
    """What ``recover`` found and did."""

    runs: int = 0  # runs found interrupted
    tasks: int = 0  # their tasks marked interrupted
    killed: int = 0  # process groups that were still alive and were killed
    workdirs: int = 0  # stale work directories removed

    def __bool__(self) -> bool:
        return self.runs > 0


def _recover_run(run_dir: Path, found: Recovery) -> None:
    info = read_json(run_dir / _RUN_FILE)
    if not isinstance(info, dict) or info.get("status") != "running":
        return
    marked = killed = 0
    tasks = run_dir / "tasks"
    if tasks.is_dir() and not tasks.is_symlink():
        marked, killed = recover_records(tasks)
        drop_logs(tasks)
    found.runs += 1
    found.tasks += marked
    found.killed += killed
    workdir = info.get("workdir")
    if info.get("owns_workdir") is True and isinstance(workdir, str) and os.path.isdir(workdir) \
            and not os.path.islink(workdir):
        shutil.rmtree(workdir, ignore_errors=True)
        found.workdirs += 1
    info.update(status="interrupted", recovered_at=time.time(), tasks_interrupted=marked)
    atomic_write_text(run_dir / _RUN_FILE, json.dumps(info, indent=1) + "\n")


def _prune(runs: Path) -> None:
    """Keep the newest ``KEEP_INTERRUPTED`` interrupted runs; remove ended ones left behind."""
    interrupted: list[tuple[float, Path]] = []
    for run_dir in runs.iterdir():
        try:
            info = read_json(run_dir / _RUN_FILE)
        except Exception:
            continue
        if not isinstance(info, dict):
            continue
        if info.get("status") == "ended":
            lock = _try_lock(run_dir / "lock")
            if lock is not None:
                shutil.rmtree(run_dir, ignore_errors=True)
                os.close(lock)
        elif info.get("status") == "interrupted":
            at = info.get("recovered_at")
            interrupted.append((at if isinstance(at, int | float) and not isinstance(at, bool) else 0.0, run_dir))
    interrupted.sort(reverse=True)
    for _, run_dir in interrupted[KEEP_INTERRUPTED:]:
        shutil.rmtree(run_dir, ignore_errors=True)


def recover(root: str | Path) -> Recovery:
    """Reopen the state directory ``root`` after a crash (see the module docstring); never raises for its content."""
    found = Recovery()
    runs = Path(root) / "runs"
    if not runs.is_dir():
        return found
    for run_dir in sorted(runs.iterdir()):
        if not run_dir.is_dir() or run_dir.is_symlink() or not (run_dir / _RUN_FILE).is_file():
            continue
        try:
            lock = _try_lock(run_dir / "lock")
        except OSError:
            continue
        if lock is None:
            continue  # its process is alive: not ours to touch
        try:
            _recover_run(run_dir, found)
        except Exception:
            continue  # a damaged folder must not stop the start-up
        finally:
            os.close(lock)
    try:
        _prune(runs)
    except OSError:
        pass
    return found
