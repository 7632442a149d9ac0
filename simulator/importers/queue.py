"""The notification queue of an imported session: what it held right before each delivery.

One pass in time order over the moments notifications were queued, delivered or removed
gives the waiting list at every delivery, so the work grows with the number of
notifications and deliveries, not with their product.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from .shapes import Notice
from .task_facts import Task

QUEUE_LIST_LIMIT = 100  # notifications listed in one drain's queue (the rest are counted)
Where = tuple[str, int]  # a delivery: the lane and the line of its record


def queue_lists(tasks: Iterable[Task], times: dict[Where, float],
                deliveries: dict[Where, list[tuple[Task, Notice]]]) -> dict[Where, tuple[list[Task], int]]:
    """For each delivery, the notifications waiting (oldest first, at most enough to list) and how many more."""
    changes: list[tuple[float, int, Any]] = []
    for task in tasks:
        if task.enqueue_at is not None:
            changes.append((task.enqueue_at, 0, task))
            left = [t for t in (task.delivered_at, task.removed_at) if t is not None and t >= task.enqueue_at]
            if left:
                changes.append((min(left), 2, task))  # still listed by a delivery at that instant
    changes += [(t, 1, where) for where, t in times.items()]
    waiting: dict[str, Task] = {}
    out: dict[Where, tuple[list[Task], int]] = {}
    for _t, order, what in sorted(changes, key=lambda c: (c[0], c[1])):
        if order == 0:
            waiting[what.source_id] = what
        elif order == 2:
            waiting.pop(what.source_id, None)
        else:
            listed = list(itertools.islice(waiting.values(), QUEUE_LIST_LIMIT + len(deliveries[what])))
            out[what] = (listed, max(0, len(waiting) - len(listed)))
    return out


def queue_at(listed: tuple[list[Task], int], delivering: list[tuple[Task, Notice]]
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """The queue before a delivery (what waited, then what it delivers), the queue after it, and how many were
    left out of the lists."""
    now = {task.source_id for task, notice in delivering if notice.status is not None}
    waiting, omitted = listed
    others = [task for task in waiting if task.source_id not in now]
    omitted += max(0, len(others) - QUEUE_LIST_LIMIT)
    after = [task.item() for task in others[:QUEUE_LIST_LIMIT]]
    before = after + [task.item(notice) for task, notice in delivering]
    return before, after, omitted
