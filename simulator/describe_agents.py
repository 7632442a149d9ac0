"""Sentences for a sub-agent's own loop, on its lane: they name the agent, never the main thread."""

from __future__ import annotations

from typing import Any

from .describe_words import cmd, flat, target_words, task_name
from .i18n import _, ngettext

#: Loop events that a sub-agent's lane may hold (the same kinds as on the main lane).
AGENT_LOOP_KINDS = frozenset({"drain", "inject", "model_start", "model_end", "tool_start", "tool_end", "spawn",
                              "refused", "check", "kill", "wait_start", "wait_end", "error"})


def agent_sentence(ev: dict[str, Any], agent: str, names: dict[str, str] | None = None) -> str:
    """One sentence for loop event ``ev`` of sub-agent ``agent`` (its reader's name, like ``A (auth)``)."""
    kind = ev["kind"]
    if kind in ("drain", "inject"):
        return _queue_sentence(ev, agent)
    if kind in ("model_start", "model_end"):
        return _model_sentence(ev, agent)
    if kind in ("tool_start", "tool_end"):
        return _tool_sentence(ev, agent)
    child = task_name(str(ev.get("task_id", "")), names)
    if kind == "spawn":
        return _("{agent} starts {who} for {command} in the background: a task of its own, nested under it.").format(
            agent=agent, who=child, command=cmd(ev))
    if kind == "check":
        return _("check_background tells {agent} how its own tasks stand now.").format(agent=agent)
    if kind == "kill":
        return _("{agent} stops {who}, with every process it started.").format(agent=agent, who=child)
    if kind == "refused":
        return _("The harness refuses {agent}'s call: {reason}").format(agent=agent, reason=flat(ev.get("reason"), 200))
    if kind == "wait_start":
        n = len(ev.get("pending") or [])
        return ngettext("{agent} has ended its turn while {n} task of its own still runs: it waits for it.",
                        "{agent} has ended its turn while {n} tasks of its own still run: it waits for them.",
                        n).format(agent=agent, n=n)
    if kind == "wait_end":
        return _("A notification has reached {agent}, so it calls its model again.").format(agent=agent)
    return _("{agent} stops: {message}").format(agent=agent, message=flat(ev.get("message"), 200))


def _queue_sentence(ev: dict[str, Any], agent: str) -> str:
    if ev["kind"] == "inject":
        n = len(ev.get("task_ids") or []) + len(ev.get("progress_ids") or [])
        return ngettext("{agent}'s loop adds {n} notification to its own conversation.",
                        "{agent}'s loop adds {n} notifications to its own conversation.", n).format(agent=agent, n=n)
    n = len(ev.get("delivered") or [])
    if n:
        return ngettext("Right before its model call, {agent} drains its own queue: it takes {n} notification out.",
                        "Right before its model call, {agent} drains its own queue: it takes {n} notifications out.",
                        n).format(agent=agent, n=n)
    return _("Right before its model call, {agent} drains its own queue; it is empty.").format(agent=agent)


def _model_sentence(ev: dict[str, Any], agent: str) -> str:
    if ev["kind"] == "model_start":
        n = int(ev.get("message_count") or 0)
        return ngettext("{agent} makes its model call {call} with {n} message, on a model client of its own.",
                        "{agent} makes its model call {call} with {n} messages, on a model client of its own.",
                        n).format(agent=agent, call=ev.get("call"), n=n)
    uses = [b for b in ev.get("content") or [] if isinstance(b, dict) and b.get("type") == "tool_use"]
    if uses:
        tools = ", ".join(str(b.get("name", "?")) for b in uses)
        return ngettext("{agent}'s model answers with {n} tool call: {tools}.",
                        "{agent}'s model answers with {n} tool calls: {tools}.", len(uses)).format(
            agent=agent, n=len(uses), tools=tools)
    return _("{agent}'s model answers in words only: that answer is the sub-agent's result.").format(agent=agent)


def _tool_sentence(ev: dict[str, Any], agent: str) -> str:
    tool = ev.get("tool")
    if ev["kind"] == "tool_end":
        if ev.get("is_error"):
            return _("{tool} returns an error to {agent}.").format(tool=tool, agent=agent)
        return _("{tool} returns; its result goes into {agent}'s own conversation.").format(tool=tool, agent=agent)
    what = target_words(ev.get("input")) or _("its input")
    if tool == "bash" or ev.get("blocking"):
        return _("{agent} runs {what} on its own lane and waits for it to end.").format(agent=agent, what=what)
    return _("{agent} runs {tool} on {what}.").format(agent=agent, tool=tool, what=what)
