"""Finding the processes a task left behind: commands that try to outlive their task, and a way to see them.

Each test gives its ``sleep`` a length no other test uses (``mark``), so ``sleepers`` finds
exactly its processes anywhere on the machine, sandboxed ones included.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import psutil

_RUN = f"{os.getpid() % 10**6:06d}"
#: How many ``sleep`` processes ``spawner`` starts.
SPAWNED = 53


def mark(n: int) -> str:
    """A sleep length unique to this test run and to ``n`` (``sleep <mark>`` finds the processes again)."""
    return f"{2000 + n}.{_RUN}"


def spawner(marker: str) -> str:
    """A command with 50 setsid children, one double-forked child, one child of a sub-shell and a leader that sleeps."""
    return (f"for i in $(seq 50); do setsid sleep {marker} & done; (sleep {marker} &); "
            f"sh -c 'sleep {marker} &'; sleep {marker}")


def sleepers(marker: str) -> list[psutil.Process]:
    """Live ``sleep <marker>`` processes anywhere on the machine."""
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        try:
            if p.info["status"] != psutil.STATUS_ZOMBIE and (p.info["cmdline"] or [])[:2] == ["sleep", marker]:
                found.append(p)
        except psutil.Error:
            pass
    return found


def wait_until(pred: Callable[[], Any], timeout: float = 30.0, step: float = 0.05) -> Any:
    """Poll ``pred`` until it is truthy or ``timeout`` seconds have passed; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return pred()
