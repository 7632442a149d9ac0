"""Two clocks: a virtual one (discrete events, instant) and a real one (wall time).

The agent loop only asks a clock for ``now()`` and to let time pass. Under the
virtual clock, letting time pass runs the callbacks scheduled in between (a
background task finishing, say) in time order, so a 60-second test suite plays
in microseconds and the same input always gives the same trace.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable


class VirtualClock:
    """A discrete-event clock: time moves only when the simulation says so."""

    virtual = True

    def __init__(self) -> None:
        self._now = 0.0
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cancelled: set[int] = set()

    def now(self) -> float:
        return self._now

    def schedule(self, at: float, fn: Callable[[], None]) -> int:
        """Run ``fn`` when the clock reaches ``at`` (ties run in scheduling order). Returns a handle."""
        handle = next(self._seq)
        heapq.heappush(self._queue, (max(at, self._now), handle, fn))
        return handle

    def cancel(self, handle: int) -> None:
        self._cancelled.add(handle)

    def next_due(self) -> float | None:
        while self._queue and self._queue[0][1] in self._cancelled:
            self._cancelled.discard(heapq.heappop(self._queue)[1])
        return self._queue[0][0] if self._queue else None

    def _run_next(self) -> None:
        at, handle, fn = heapq.heappop(self._queue)
        self._now = max(self._now, at)
        fn()

    def advance_to(self, t: float) -> None:
        """Move to time ``t``, running every callback due on the way."""
        while True:
            due = self.next_due()
            if due is None or due > t:
                break
            self._run_next()
        self._now = max(self._now, t)

    def sleep(self, seconds: float) -> None:
        self.advance_to(self._now + max(0.0, seconds))

    def run_until(self, predicate: Callable[[], bool], deadline: float) -> bool:
        """Run callbacks in order until ``predicate()`` holds or ``deadline`` passes.

        Returns True if the predicate held; otherwise the clock stands at ``deadline``.
        Callbacks due at the very moment the predicate comes true still run, so
        two tasks finishing at the same instant are seen together.
        """
        if predicate():
            return True
        while not predicate():
            due = self.next_due()
            if due is None or due > deadline:
                self._now = max(self._now, deadline) if due is not None or deadline != float("inf") else self._now
                return False
            self._run_next()
        self.advance_to(self._now)
        return True


class RealClock:
    """Wall time in seconds since the clock was made (monotonic)."""

    virtual = False

    def __init__(self) -> None:
        self._t0 = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._t0

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))
