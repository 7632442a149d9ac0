"""Task records on disk (``<state_dir>/<task id>.json``), read back after a restart or a crash.

A record that was live (``queued`` or ``running``) when its manager went away is
``interrupted`` now: ``recover_records`` marks it so, after killing what is left of its
process group (a sandboxed task leaves nothing: its sandbox died with the server).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from .. import notifications as nt
from ..storage import atomic_write_text, read_json
from .processes import group_exists, kill_group, proc_start_time

LIVE = ("queued", "running")
#: Every field of a record, with the value a record missing it gets.
DEFAULTS: dict[str, Any] = {
    "task_id": "", "command": "", "status": "running", "exit_code": None, "result": None, "output_file": None,
    "output_bytes": 0, "priority": 0, "attempt": 1, "created_at": 0.0, "started_at": None, "finished_at": None,
    "delivered": False,
}
_EXTRA = ("pid", "pid_start", "reason", "kind", "name", "task")
MAX_NESTING = 4  # sub-agents' own folders below a run's task folder (``agent-<task id>/``)


def number(value: Any) -> float:
    """``value`` as a float for sorting (0 for anything that is not a number)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def read_records(state_dir: Path) -> list[dict[str, Any]]:
    """The readable records of ``state_dir`` in creation order (unreadable or foreign files are skipped)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(state_dir.glob("*.json")):
        try:
            data = read_json(path)
        except Exception:
            continue
        if (not isinstance(data, dict) or not isinstance(data.get("task_id"), str)
                or not isinstance(data.get("command"), str) or data.get("status") not in nt.STATUSES
                or data["task_id"] in found):
            continue
        rec = dict(DEFAULTS)
        rec.update({k: data[k] for k in DEFAULTS if k in data})
        rec.update({k: data[k] for k in _EXTRA if k in data})
        found[rec["task_id"]] = rec
    return sorted(found.values(), key=lambda r: (number(r["created_at"]), r["task_id"]))


def write_record(state_dir: Path, rec: dict[str, Any]) -> None:
    """Write one record atomically (a full or vanished disk is ignored: the record in memory stays right)."""
    try:
        atomic_write_text(state_dir / f"{rec['task_id']}.json", json.dumps(rec, indent=1, ensure_ascii=False) + "\n")
    except OSError:
        pass


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def interrupt(rec: dict[str, Any], log: Path) -> None:
    """Mark a record that was live when its manager went away as ``interrupted`` (keeping any spilled output)."""
    size = log_size(log)
    rec.update(status="interrupted", exit_code=None, output_bytes=size, finished_at=time.time(),
               result=nt.result_text("", "interrupted", None))
    if size:  # it printed enough to spill before the crash: that much is kept
        rec["output_file"] = str(log)


def kill_leftover(pid: Any, start: Any) -> bool:
    """Kill the process group of a task that outlived a crash, if its leader is still that process.

    Returns True if there was a living process to kill (a zombie leader waiting to be reaped
    by init is not one: it is dead already).
    """
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 1 or not start:
        return False
    now = proc_start_time(pid)
    if now is not None and now != start:
        return False  # the pid belongs to another process now
    if not group_exists(pid):
        return False  # nothing in the group lives (a live group's id is never reused as a pid)
    kill_group(pid)
    return True


def task_dirs(state_dir: Path, depth: int = 0) -> list[Path]:
    """``state_dir`` and the folders of its sub-agents' managers (``agent-<id>/``, never through a link)."""
    found = [state_dir]
    if depth < MAX_NESTING:
        for sub in sorted(state_dir.glob("agent-*")):
            if sub.is_dir() and not sub.is_symlink():
                found += task_dirs(sub, depth + 1)
    return found


def recover_records(state_dir: Path) -> tuple[int, int]:
    """Mark every live record of ``state_dir`` (its sub-agents' too) interrupted and kill its leftovers.

    Returns (records marked, groups killed).
    """
    marked = killed = 0
    for folder in task_dirs(state_dir):
        for rec in read_records(folder):
            if rec["status"] not in LIVE:
                continue
            killed += kill_leftover(rec.get("pid"), rec.get("pid_start"))
            interrupt(rec, folder / f"{rec['task_id']}.log")
            write_record(folder, rec)
            marked += 1
    return marked, killed


def drop_logs(state_dir: Path) -> int:
    """Remove the log files of ``state_dir`` and its sub-agents' folders (their records then name no file)."""
    removed = 0
    for folder in task_dirs(state_dir):
        here = 0
        for log in folder.glob("*.log"):
            try:
                log.unlink()
                here += 1
            except OSError:
                pass
        if here:
            for rec in read_records(folder):
                if rec.get("output_file"):
                    rec["output_file"] = None
                    write_record(folder, rec)
        removed += here
    return removed
