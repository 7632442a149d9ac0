"""Tokens for the player: each model call's input and output, a running total, and how they were counted."""

from __future__ import annotations

from typing import Any

from simulator.i18n import _
from simulator.tokens import usage_of
from simulator.trace import Trace


class TokenTally:
    """The model calls seen so far (every loop's, the sub-agents' too) and their running total."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.input = 0
        self.output = 0

    def add(self, ev: dict[str, Any], row: int) -> int:
        """Count one ``model_end``; returns the call's index in ``calls``."""
        tokens_in, tokens_out, estimated = usage_of(ev)
        self.input += tokens_in
        self.output += tokens_out
        self.calls.append({"seq": ev["seq"], "row": row, "call": ev.get("call"), "input": tokens_in,
                           "output": tokens_out, "estimated": estimated, "total_input": self.input,
                           "total_output": self.output})
        return len(self.calls) - 1

    def total(self) -> list[int]:
        """``[input, output]`` so far."""
        return [self.input, self.output]


def token_method(trace: Trace, calls: list[dict[str, Any]]) -> str:
    """How this run's tokens were counted, in the reader's words."""
    estimated = sum(1 for c in calls if c["estimated"])
    if not calls:
        return _("No model call, so no tokens.")
    if estimated == len(calls):
        return _("Estimated: about one token for every four characters of the request (system prompt, tool schemas, "
                 "messages) and of the answer; no API reported them for this run.")
    if estimated:
        return _("Recorded from the API where it reported them; the other calls are estimated (one token for every "
                 "four characters).")
    return _("As the API reported them for each call.")
