"""Process groups and descriptors: the small OS helpers the real manager and runtime share."""

from __future__ import annotations

import os
import resource
import signal


def kill_group(pgid: int) -> None:
    """SIGKILL a whole process group, ignoring one that is already gone (or not ours)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def proc_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (to tell it from a later process that reused the pid)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def group_exists(pgid: int) -> bool:
    """Whether any living process is still in process group ``pgid`` (a zombie, dead but not reaped, is not)."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return False
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                fields = fh.read().decode("ascii", "replace").rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                return True
        except (OSError, IndexError, ValueError):
            continue
    return False


def raise_open_file_limit(want: int = 8192) -> int:
    """Raise this process's soft limit on open files towards ``want`` (never above the hard limit).

    Each running command holds two descriptors (its pidfd and its output pipe), and
    many systems start processes with a soft limit of 1,024. Past the limit, a task
    ends as an error that says so. Returns the soft limit now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(hard, want)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft
