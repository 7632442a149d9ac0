"""The lesson's original BackgroundManager design, kept only as a yardstick for the benchmarks.

One daemon thread per command runs ``subprocess.run(shell=True, capture_output=True,
text=True, timeout=300)``; the whole output is held in memory and then cut to
50,000 characters; finished tasks append a notification to a plain list guarded
by a lock; draining copies the list and empties it under that lock.
"""

from __future__ import annotations

import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any

OUTPUT_LIMIT = 50_000
PREVIEW_LIMIT = 500
TIMEOUT_S = 300


class SeedBackgroundManager:
    """Thread-per-command background runner with a lock-guarded notification list."""

    def __init__(self, workdir: str | Path) -> None:
        self.workdir = Path(workdir)
        self.tasks: dict[str, dict[str, Any]] = {}
        self._notes: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def run(self, command: str, priority: int = 0) -> str:
        """Start ``command`` on a new thread and return its id at once."""
        task_id = str(uuid.uuid4())[:8]
        self.tasks[task_id] = {"status": "running", "result": None, "command": command}
        worker = threading.Thread(target=self._execute, args=(task_id, command), daemon=True)
        worker.start()
        return f"Background task {task_id} started: {command[:80]}"

    def _execute(self, task_id: str, command: str) -> None:
        """Thread body: run the command to the end, store the result, queue a notification."""
        try:
            done = subprocess.run(command, shell=True, cwd=self.workdir, capture_output=True, text=True,
                                  timeout=TIMEOUT_S)
            output = (done.stdout + done.stderr).strip()[:OUTPUT_LIMIT]
            status = "completed"
        except subprocess.TimeoutExpired:
            output = f"Error: Timeout ({TIMEOUT_S}s)"
            status = "timeout"
        except Exception as exc:
            output = f"Error: {exc}"
            status = "error"
        record = self.tasks[task_id]
        record["status"] = status
        record["result"] = output or "(no output)"
        with self._lock:
            self._notes.append({"task_id": task_id, "status": status, "command": command[:80],
                                "result": (output or "(no output)")[:PREVIEW_LIMIT]})

    def check(self, task_id: str | None = None) -> str:
        """One task's status and result, or a line per task."""
        if task_id:
            t = self.tasks.get(task_id)
            if t is None:
                return f"Error: Unknown task {task_id}"
            return f"[{t['status']}] {t['command'][:60]}\n{t.get('result') or '(running)'}"
        return "\n".join(f"{tid}: [{t['status']}] {t['command'][:60]}" for tid, t in self.tasks.items()) \
            or "No background tasks."

    def drain_notifications(self) -> list[dict[str, Any]]:
        """Hand over every queued notification and empty the list."""
        with self._lock:
            notes = list(self._notes)
            self._notes.clear()
        return notes

    def shutdown(self) -> None:
        """Nothing to stop: the seed design leaves its threads to finish on their own."""
