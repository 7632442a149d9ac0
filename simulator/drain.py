"""The drain: when the loop empties the notification queue, and what it puts into the conversation.

This file is the place to change the drain policy. The lesson's loop drains right
before every model call (``every_call``); ``when_idle`` drains only once the model
has ended its turn and waits for results. A new policy needs a name in
``DRAIN_POLICIES``, a rule in ``drains_now``, and (for What-if) a line of words
in ``simulator/whatif.py``. The words of what is injected, in either notification
shape, are in ``simulator/notifications.py``.
"""

from __future__ import annotations

from typing import Any

from .conversation import Conversation
from .notifications import BACKGROUND_RESULTS, injection_text, is_progress
from .trace import TraceRecorder

EVERY_CALL = "every_call"
WHEN_IDLE = "when_idle"
DRAIN_POLICIES: tuple[str, ...] = (EVERY_CALL, WHEN_IDLE)


def drains_now(policy: str, model_is_idle: bool) -> bool:
    """Whether the loop drains the queue before this model call.

    ``model_is_idle`` is True when the model ended its turn and the loop is about
    to call it again only because results arrived (or were already waiting).
    """
    return policy == EVERY_CALL or model_is_idle


def drain(bg: Any, conversation: Conversation, rec: TraceRecorder,
          shape: str = BACKGROUND_RESULTS) -> list[dict[str, Any]]:
    """Take every queued notification and inject them as one block in ``shape``.

    Records a ``drain`` event (the queue before and after, the tasks whose results it
    delivered, and under ``progress`` the tasks whose progress lines it delivered) and,
    when something was delivered, an ``inject`` event with the exact text. Returns
    the notifications taken.
    """
    before = bg.queue_snapshot()
    notes = bg.drain_notifications() if before else []
    after = bg.queue_snapshot()
    results = [n["task_id"] for n in notes if not is_progress(n)]
    progress = [n["task_id"] for n in notes if is_progress(n)]
    rec.emit("drain", queue_before=notes or before, queue_after=after, delivered=results, progress=progress or None)
    if not notes:
        return notes
    text = injection_text(notes, shape)
    op = conversation.add_user_blocks([{"type": "text", "text": text}], injected=True)
    rec.emit("inject", text=text, task_ids=results, progress_ids=progress or None, msg=op)
    return notes
