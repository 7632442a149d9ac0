"""Progress notifications: which output lines a running task reports, batched and rate-limited.

A task started with ``background_run(command, progress="PASSED|FAILED")`` reports
the lines of its output that contain one of the ``|`` alternatives. So that a chatty
task cannot flood the conversation, lines are batched:

* a batch goes out at once when the task has not reported for ``interval_s``
  seconds; lines that come sooner wait for the end of that interval, so a task
  sends at most one batch per interval;
* a batch shows its latest ``PROGRESS_LINES`` lines and counts the others
  (``more``); each line is cut to ``PROGRESS_LINE_CHARS`` characters;
* after ``PROGRESS_MAX_BATCHES`` batches a task falls silent (its result still comes);
* lines still waiting when the task ends are dropped: its result says more.

In the queue, a task has at most one progress item: a batch that comes while the
previous one is still undelivered is folded into it (see
``notifications.merge_progress``). The same ``ProgressBatcher`` serves both clocks:
the virtual manager plans every batch of a task when it starts
(``plan_batches``), the real one feeds it lines as they are read
(``simulator/real/progress.py``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from .tools import progress_alternatives

PROGRESS_LINES = 5  # lines a batch (and a queued progress item) shows: the latest ones
PROGRESS_LINE_CHARS = 200  # characters kept of each reported line
PROGRESS_MAX_BATCHES = 100  # batches per task; then it falls silent
DEFAULT_INTERVAL_S = 5.0
MIN_INTERVAL_S = 0.5
MAX_INTERVAL_S = 3600.0


@dataclass
class Batch:
    """Lines reported at once: when, the latest ones, and how many more there were."""

    t: float
    lines: list[str]
    more: int = 0


class ProgressBatcher:
    """Picks the matching lines of one task's output and groups them into rate-limited batches."""

    def __init__(self, pattern: str, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.needles = progress_alternatives(pattern)
        self.interval_s = min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, float(interval_s)))
        self.batches = 0
        self.muted = 0  # matching lines left unreported once the task fell silent
        self._last: float | None = None
        self._pending: deque[str] = deque(maxlen=PROGRESS_LINES)
        self._more = 0

    def matches(self, line: str) -> bool:
        return any(needle in line for needle in self.needles)

    def feed(self, t: float, line: str) -> Batch | None:
        """Take one output line at time ``t``; a batch to send now, or None."""
        if not self.matches(line):
            return None
        if self.batches >= PROGRESS_MAX_BATCHES:
            self.muted += 1
            return None
        if len(self._pending) == PROGRESS_LINES:
            self._more += 1  # the oldest waiting line gives way
        self._pending.append(line[:PROGRESS_LINE_CHARS])
        if self._last is None or t - self._last >= self.interval_s:
            return self._flush(t)
        return None

    def next_due(self) -> float | None:
        """When the waiting lines must go out (None when none wait)."""
        if not self._pending or self._last is None:
            return None
        return self._last + self.interval_s

    def due(self, t: float) -> Batch | None:
        """The waiting lines as a batch, if their time has come by ``t``."""
        at = self.next_due()
        if at is None or t < at:
            return None
        return self._flush(at)

    def _flush(self, t: float) -> Batch:
        batch = Batch(t, list(self._pending), self._more)
        self._pending.clear()
        self._more = 0
        self._last = t
        self.batches += 1
        return batch


def plan_batches(lines: Iterable[tuple[float, str]], pattern: str, interval_s: float, end_t: float) -> list[Batch]:
    """Every batch a task reports when it prints ``lines`` (``(seconds after start, text)``) and ends at ``end_t``."""
    batcher = ProgressBatcher(pattern, interval_s)
    out: list[Batch] = []
    for t, text in sorted((t, text) for t, text in lines if t < end_t):
        waiting = batcher.due(t)
        if waiting is not None:
            out.append(waiting)
        batch = batcher.feed(t, text)
        if batch is not None:
            out.append(batch)
    last = batcher.next_due()
    if last is not None and last < end_t:
        waiting = batcher.due(last)
        if waiting is not None:
            out.append(waiting)
    return out
