"""The first screen's figures: what the parallel harness changes, computed from the two runs of one scenario."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.metrics import metrics
from simulator.trace import Trace


def first_tool_time(trace: Trace, tool: str) -> float | None:
    """When the main thread first starts ``tool`` (None if it never does)."""
    return next((ev["t"] for ev in trace.events if ev["kind"] == "tool_start" and ev.get("tool") == tool), None)


def background_return_s(trace: Trace) -> float | None:
    """How long the first ``background_run`` held the main thread before it returned a task id."""
    start = next((ev for ev in trace.events if ev["kind"] == "tool_start" and ev.get("tool") == "background_run"), None)
    if start is None:
        return None
    end = next((ev for ev in trace.events if ev["kind"] == "tool_end" and ev.get("tool_use_id") == start.get("tool_use_id")),
               None)
    return None if end is None else end["t"] - start["t"]


@dataclass(frozen=True)
class Contrast:
    """The headline of serial against parallel on the same decisions."""

    work_serial_s: float | None  # when the other work (the first file written) happened, serial
    work_parallel_s: float | None  # …and parallel
    returned_s: float | None  # how long background_run took to return, parallel
    blocked_serial_s: float
    blocked_parallel_s: float
    idle_parallel_s: float  # the main thread free while tasks ran
    wall_serial_s: float
    wall_parallel_s: float


def contrast(serial: Trace, parallel: Trace, work_tool: str = "write_file") -> Contrast:
    """The figures of the first screen, from the two traces."""
    ms, mp = metrics(serial), metrics(parallel)
    return Contrast(work_serial_s=first_tool_time(serial, work_tool), work_parallel_s=first_tool_time(parallel, work_tool),
                    returned_s=background_return_s(parallel), blocked_serial_s=ms["main_blocked_s"],
                    blocked_parallel_s=mp["main_blocked_s"], idle_parallel_s=mp["main_waiting_s"],
                    wall_serial_s=ms["wall_s"], wall_parallel_s=mp["wall_s"])
