"""A model that attacks: the local Messages API stub answering each run's prompt with a script of tool calls.

``Attacker`` is the stub's ``fallback``: it finds the script of a request by the run's
prompt (so several runs can share one stub) and answers with the turn the conversation
has reached (a turn may be a function of the request, run first); past the script's end it
ends its turn. The runs use the real ``anthropic``
client over HTTP, exactly as a live run with a real model does.
"""

from __future__ import annotations

import threading
from typing import Any

from stub_messages_api import message, text, tool_use


def prompt_of(body: dict[str, Any]) -> str:
    first = body["messages"][0]["content"]
    return first if isinstance(first, str) else " ".join(b.get("text", "") for b in first if isinstance(b, dict))


def calls(*uses: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """One assistant turn calling each (tool, input) in order."""
    return message([text("On it."), *(tool_use(name, args) for name, args in uses)])


def say(words: str) -> dict[str, Any]:
    return message([text(words)])


class Attacker:
    """Scripts by prompt; ``seen`` keeps every request body each prompt's run sent (its tool results)."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[dict[str, Any]]] = {}
        self.seen: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def script(self, prompt: str, *turns: dict[str, Any]) -> str:
        with self._lock:
            self.scripts[prompt] = list(turns)
        return prompt

    def __call__(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = prompt_of(body)
        answered = sum(1 for m in body["messages"] if m["role"] == "assistant")
        with self._lock:
            self.seen.setdefault(prompt, []).append(body)
            turns = self.scripts.get(prompt, [])
        if answered >= len(turns):
            return say("Done.")
        turn = turns[answered]
        return turn(body) if callable(turn) else turn  # a callable may first change the world (plant a file)

    def results(self, prompt: str) -> list[str]:
        """Every tool result and injected text the model was sent in ``prompt``'s run."""
        out: list[str] = []
        for body in self.seen.get(prompt, []):
            for m in body["messages"]:
                content = m.get("content")
                for b in content if isinstance(content, list) else []:
                    if b.get("type") == "tool_result":
                        c = b.get("content")
                        out.append(c if isinstance(c, str) else str(c))
                    elif b.get("type") == "text" and m["role"] == "user":
                        out.append(b.get("text", ""))
        return out
