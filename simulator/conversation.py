"""The conversation the loop sends to the model, and the message operations the trace records.

Every change is either an ``append`` (a new message) or an ``extend`` (more blocks
on the last message); the trace stores each operation on the event that made it,
so any step can rebuild the conversation as it stood (see ``snapshot.py``).
"""

from __future__ import annotations

from typing import Any


class Conversation:
    """The messages so far, in Messages API form."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.messages)

    def append(self, role: str, content: list[dict[str, Any]], injected: bool = False) -> dict[str, Any]:
        """Add a message; returns the operation to record."""
        self.messages.append({"role": role, "content": list(content)})  # a copy: later extends must not
        op = {"op": "append", "role": role, "content": content}  # reach back into recorded events
        if injected:
            op["injected"] = True
        return op

    def extend_last(self, content: list[dict[str, Any]], injected: bool = False) -> dict[str, Any]:
        """Add blocks to the last message; returns the operation to record."""
        self.messages[-1]["content"].extend(content)
        op = {"op": "extend", "role": self.messages[-1]["role"], "content": content}
        if injected:
            op["injected"] = True
        return op

    def add_user_blocks(self, content: list[dict[str, Any]], injected: bool = False) -> dict[str, Any]:
        """Add blocks to the user's turn: onto the last message if it is the user's, else as a new one."""
        last = self.messages[-1] if self.messages else None
        if last and last["role"] == "user":
            return self.extend_last(content, injected)
        return self.append("user", content, injected)
