"""The two harnesses the simulator compares."""

from __future__ import annotations

from typing import Any

SERIAL = "serial"  #: s07: every command blocks the loop
PARALLEL = "parallel"  #: s08: slow commands go to background threads

#: Both harnesses, in the order the lessons tell them (s07, then s08).
MODES: tuple[str, ...] = (SERIAL, PARALLEL)


def in_mode_order(runs: dict[str, Any]) -> list[tuple[str, Any]]:
    """``runs`` (mode -> anything) as pairs: serial, then parallel, then any other key as given."""
    return [(m, runs[m]) for m in MODES if m in runs] + [(m, v) for m, v in runs.items() if m not in MODES]
