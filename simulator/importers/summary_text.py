"""The import's summary in sentences, in the reader's language (the figures come from ``summary.py``)."""

from __future__ import annotations

from typing import Any

from ..i18n import _, ngettext
from ..text import one_line
from ..trace import Trace
from .summary import KEYS, import_summary

TOP_DELAYS = 5  # delays listed one by one
LISTED = 10  # lost notifications and running tasks listed one by one


def _name(trace: Trace, task_id: str) -> str:
    lane = next((lane for lane in trace.lanes if lane["id"] == f"bg:{task_id}"), {})
    label = one_line(lane.get("label") or task_id, 50)
    source = lane.get("source_id")
    return f"`{label}` ({source})" if source else f"`{label}`"


def _s(seconds: float) -> str:
    return f"{seconds:,.1f}"


def stored_summary(trace: Trace) -> dict[str, Any]:
    """The figures the import stored (they were told before any redaction), else the trace's own."""
    facts = trace.meta.get("import")
    stored = facts.get("summary") if isinstance(facts, dict) else None
    if isinstance(stored, dict) and set(stored) >= set(KEYS):
        return stored
    return import_summary(trace)


def summary_lines(trace: Trace) -> list[str]:
    """The summary in sentences, one a line (indented lines list what the line above counts)."""
    f = stored_summary(trace)
    lines = [_("{wall} s from the first record to the last.").format(wall=_s(f["wall_s"]))]
    lines.append(ngettext("Time in model calls: {s} s in {n} call on the main thread ({share} of the session).",
                          "Time in model calls: {s} s in {n} calls on the main thread ({share} of the session).",
                          f["model_calls"]).format(s=_s(f["model_s"]), n=f["model_calls"],
                                                   share=_percent(f["model_s"] / f["wall_s"] if f["wall_s"] else 0)))
    if f["agents"]:
        calls = ngettext("{n} model call", "{n} model calls", f["agent_model_calls"]).format(
            n=f["agent_model_calls"])
        lines.append(ngettext("{n} background sub-agent made {calls} of its own ({s} s).",
                              "{n} background sub-agents made {calls} of their own ({s} s).",
                              f["agents"]).format(n=f["agents"], calls=calls, s=_s(f["agent_model_s"])))
    lines += _blocked_lines(f)
    lines.append(_("Idle while background work ran: {s} s.").format(s=_s(f["idle_while_background_s"])))
    lines += _delay_lines(trace, f)
    lines += _lost_lines(trace, f)
    lines += _running_lines(trace, f)
    lines.append(_polling_line(f["polling"]))
    lines.append(skipped_line(trace))
    return lines


def _blocked_lines(f: dict[str, Any]) -> list[str]:
    line = ngettext("Blocked on foreground commands: {s} s in {n} Bash call.",
                    "Blocked on foreground commands: {s} s in {n} Bash calls.",
                    f["blocked_calls"]).format(s=_s(f["blocked_s"]), n=f["blocked_calls"])
    if f["longest_blocked"]:
        line += " " + _("The longest: `{command}`, {s} s.").format(
            command=one_line(f["longest_blocked"]["label"], 60), s=_s(f["longest_blocked"]["s"]))
    out = [line]
    if f["task_output_wait_calls"]:
        out.append(ngettext("Waiting in TaskOutput for a background task: {s} s in {n} call.",
                            "Waiting in TaskOutput for background tasks: {s} s in {n} calls.",
                            f["task_output_wait_calls"]).format(s=_s(f["task_output_wait_s"]),
                                                                n=f["task_output_wait_calls"]))
    if f["agents_wait_calls"]:
        out.append(ngettext("Waiting for a foreground sub-agent: {s} s in {n} call.",
                            "Waiting for foreground sub-agents: {s} s in {n} calls.",
                            f["agents_wait_calls"]).format(s=_s(f["agents_wait_s"]), n=f["agents_wait_calls"]))
    return out


def _delay_lines(trace: Trace, f: dict[str, Any]) -> list[str]:
    known = [d for d in f["delays"] if d["known"]]
    unknown = len(f["delays"]) - len(known)
    if not f["delays"]:
        return [_("Delay from completion to the model seeing it: no notification reached the model.")]
    out = []
    if known:
        mean = sum(d["delay_s"] for d in known) / len(known)
        out.append(ngettext("Delay from completion to the model seeing it: {max} s at most, {mean} s on average "
                            "over {n} task.",
                            "Delay from completion to the model seeing it: {max} s at most, {mean} s on average "
                            "over {n} tasks.", len(known)).format(max=_s(known[0]["delay_s"]), mean=_s(mean),
                                                                  n=len(known)))
        out += ["  " + _("{task}: {s} s").format(task=_name(trace, d["task_id"]), s=_s(d["delay_s"]))
                for d in known[:TOP_DELAYS]]
    if unknown:
        out.append(ngettext("{n} task was delivered with no earlier record of its end, so its delay is not known.",
                            "{n} tasks were delivered with no earlier record of their end, so their delay is not "
                            "known.", unknown).format(n=unknown))
    return out


def _lost_lines(trace: Trace, f: dict[str, Any]) -> list[str]:
    lost = f["never_delivered"]
    if not lost:
        return [_("Notifications never delivered: none.")]
    out = [ngettext("{n} notification never delivered:", "{n} notifications never delivered:",
                    len(lost)).format(n=len(lost))]
    for item in lost[:LISTED]:
        task = _name(trace, item["task_id"])
        if item["reason"] == "dropped":
            out.append("  " + _("{task}: ended at {end} s, queued at {queued} s, never delivered.").format(
                task=task, end=_s(item["finished_t"]), queued=_s(item["queued_t"])))
        else:
            out.append("  " + _seen_by(item.get("seen_by")).format(task=task, end=_s(item["finished_t"])))
    if len(lost) > LISTED:
        out.append("  " + _("… and {n} more.").format(n=len(lost) - LISTED))
    return out


def _seen_by(observed: Any) -> str:
    """The sentence for a task that ended without its notification reaching the model, by what showed the end."""
    return {"check": _("{task}: a check saw it ended by {end} s; no notification reached the model."),
            "transcript": _("{task}: its sub-agent's transcript ends by {end} s; no notification reached the model."),
            "queue": _("{task}: a queued notification shows it ended by {end} s; it never reached the model."),
            }.get(str(observed), _("{task}: the transcript shows it ended by {end} s; no notification reached the "
                                   "model."))


def _percent(share: float) -> str:
    """A share as a whole percentage: ``0.237`` → ``24%``."""
    return f"{round(100 * share)}%"


def _running_lines(trace: Trace, f: dict[str, Any]) -> list[str]:
    still = f["still_running"]
    if not still:
        return [_("Still running when the transcript ends: none.")]
    out = [ngettext("{n} task still running when the transcript ends:",
                    "{n} tasks still running when the transcript ends:", len(still)).format(n=len(still))]
    out += ["  " + _("{task}, started at {t} s").format(task=_name(trace, item["task_id"]), t=_s(item["started_t"]))
            for item in still[:LISTED]]
    if len(still) > LISTED:
        out.append("  " + _("… and {n} more.").format(n=len(still) - LISTED))
    return out


def _polling_line(polling: dict[str, Any]) -> str:
    if not polling["turns"]:
        return _("Polling turns: none (no model call only checked on background work).")
    kinds = ", ".join(f"{kind} ×{n}" for kind, n in polling["by_kind"].items())
    return ngettext("{n} polling turn (a model call that only checked on background work: {kinds}) used {read} input "
                    "tokens and {written} output tokens, {share} of the model calls.",
                    "{n} polling turns (model calls that only checked on background work: {kinds}) used {read} input "
                    "tokens and {written} output tokens, {share} of the model calls.", polling["turns"]).format(
        n=polling["turns"], kinds=kinds, read=f"{polling['input_tokens']:,}", written=f"{polling['output_tokens']:,}",
        share=_percent(polling["share"]))


def skipped_line(trace: Trace) -> str:
    """One line: the records the import skipped, by reason (unknown types by name)."""
    facts = trace.meta.get("import") if isinstance(trace.meta.get("import"), dict) else {}
    reasons = facts.get("skipped_by_reason") if isinstance(facts.get("skipped_by_reason"), dict) else {}
    unknown = reasons.get("unknown_types") if isinstance(reasons.get("unknown_types"), dict) else {}
    parts = []
    if unknown:
        names = ", ".join(f"{one_line(name, 40)} ×{n}" for name, n in list(unknown.items())[:8])  # a name may hold any text
        count = sum(n for n in unknown.values() if isinstance(n, int))
        parts.append(ngettext("{n} of an unknown type ({names})", "{n} of unknown types ({names})",
                              count).format(n=count, names=names))
    not_json, no_time = reasons.get("not_json"), reasons.get("no_timestamp")
    if isinstance(not_json, int) and not_json:
        parts.append(ngettext("{n} line that is not a JSON object", "{n} lines that are not JSON objects",
                              not_json).format(n=not_json))
    if isinstance(no_time, int) and no_time:
        parts.append(ngettext("{n} record without a timestamp", "{n} records without a timestamp",
                              no_time).format(n=no_time))
    total = facts.get("skipped") if isinstance(facts.get("skipped"), int) else 0
    if not total:
        return _("Skipped records: none.")
    return ngettext("Skipped {n} record: {details}.", "Skipped {n} records: {details}.", total).format(
        n=total, details="; ".join(parts))
