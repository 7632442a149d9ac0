"""Progress lines under the real clock: a running command's output, read as it comes, cut into lines.

The real BackgroundManager hands every chunk it reads from a monitored task's pipe
to its ``ProgressMonitor`` (on the watcher thread). The monitor splits the chunks
into lines and feeds them to a ``ProgressBatcher`` (``simulator/progress.py``: the
same batching and rate limit as under the virtual clock); a batch that must wait for
the end of its interval is sent by a timer. ``emit`` receives each batch.

A line longer than ``MAX_LINE_BYTES`` is judged on its first ``MAX_LINE_BYTES``
bytes (the rest, up to its newline, is skipped), so memory stays bounded whatever a
command prints. Without ``os.pidfd_open`` the manager's fallback writes output
straight to a file and no progress is reported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..progress import Batch, ProgressBatcher

MAX_LINE_BYTES = 4096


class ProgressMonitor:
    """Turns one task's output chunks into batches of matching lines; thread-safe."""

    def __init__(self, pattern: str, interval_s: float, emit: Callable[[Batch], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.batcher = ProgressBatcher(pattern, interval_s)
        self.emit = emit
        self.clock = clock
        self._t0 = clock()
        self._partial = bytearray()
        self._skipping = False  # inside a line already cut at MAX_LINE_BYTES
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._closed = False

    def _now(self) -> float:
        return self.clock() - self._t0

    def feed(self, chunk: bytes) -> None:
        """Take a chunk of output; report the batches that are due."""
        out: list[Batch] = []
        with self._lock:
            if self._closed:
                return
            for line in self._lines(chunk):
                now = self._now()
                for batch in (self.batcher.due(now), self.batcher.feed(now, line)):
                    if batch is not None:
                        out.append(batch)
            self._arm()
        for batch in out:
            self.emit(batch)

    def _lines(self, chunk: bytes) -> list[str]:
        lines = []
        start = 0
        while True:
            nl = chunk.find(b"\n", start)
            piece = chunk[start:] if nl < 0 else chunk[start:nl]
            if not self._skipping:
                room = MAX_LINE_BYTES - len(self._partial)
                self._partial += piece[:room]
                if len(piece) > room:
                    self._skipping = True
            if nl < 0:
                if self._skipping and self._partial:
                    lines.append(self._partial.decode("utf-8", "replace"))
                    self._partial.clear()
                return lines
            if self._partial:
                lines.append(self._partial.decode("utf-8", "replace"))
            self._partial.clear()
            self._skipping = False
            start = nl + 1

    def _arm(self) -> None:
        """Start a timer for the waiting lines, if there are some and none is set (lock held)."""
        due = self.batcher.next_due()
        if due is None or self._timer is not None or self._closed:
            return
        self._timer = threading.Timer(max(0.0, due - self._now()), self._flush)
        self._timer.daemon = True
        self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            if self._closed:
                return
            batch = self.batcher.due(max(self._now(), self.batcher.next_due() or 0.0))
            self._arm()
        if batch is not None:
            self.emit(batch)

    def close(self) -> None:
        """The task ended: lines still waiting are dropped (its result says more)."""
        with self._lock:
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
