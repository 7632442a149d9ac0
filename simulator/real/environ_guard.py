"""Keep secrets out of ``/proc/<pid>/environ``, where any command of the same user could read them.

A process's starting environment stays in its memory, and Linux shows it to
every process of the same user at ``/proc/<pid>/environ`` (a live command could
run ``cat /proc/$PPID/environ``). Python's ``os.environ`` is a copy made at start,
so overwriting the original block hides a key from other processes while the
SDK, which reads ``os.environ``, still finds it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def _env_bounds() -> tuple[int, int] | None:
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        # fields[0] is field 3 (state); env_start and env_end are fields 50 and 51
        return int(fields[47]), int(fields[48])
    except (OSError, IndexError, ValueError):
        return None


def hide_from_proc_environ(names: Iterable[str]) -> int:
    """Overwrite the values of ``names`` in this process's original environment block.

    Returns how many values were hidden (0 where /proc is not available).
    ``os.environ`` keeps the real values.
    """
    wanted = [n.encode() + b"=" for n in names]
    bounds = _env_bounds()
    if not wanted or bounds is None or bounds[1] <= bounds[0]:
        return 0
    start, end = bounds
    try:
        with open("/proc/self/mem", "r+b", buffering=0) as mem:
            mem.seek(start)
            block = mem.read(end - start)
            hidden = 0
            out = bytearray(block)
            pos = 0
            for entry in block.split(b"\0"):
                for prefix in wanted:
                    if entry.startswith(prefix) and len(entry) > len(prefix):
                        value_at = pos + len(prefix)
                        out[value_at:pos + len(entry)] = b"*" * (len(entry) - len(prefix))
                        hidden += 1
                pos += len(entry) + 1
            if hidden:
                mem.seek(start)
                mem.write(bytes(out))
            return hidden
    except OSError:
        return 0


def hide_api_keys() -> int:
    """Hide every variable that looks like a credential (``*_API_KEY``, ``*TOKEN*``, ``*SECRET*``)."""
    names = [k for k in os.environ if k.endswith("_API_KEY") or "TOKEN" in k or "SECRET" in k
             or k.endswith("_PASSWORD")]
    return hide_from_proc_environ(names)
