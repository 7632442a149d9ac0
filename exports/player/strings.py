"""Every word the player shows, in the reader's language (the player itself holds no text of its own)."""

from __future__ import annotations

from typing import Any

from simulator.i18n import _, ngettext

from .timeline import category_words


def forms(one: str, many: str) -> list[str]:
    """The forms for one and for many (``ngettext`` for 1 and 2: enough for English, Chinese and Japanese)."""
    return [one, many]


def player_strings() -> dict[str, Any]:
    """The player's words, translated now."""
    return {
        "cat": category_words(),
        "mode": {"serial": _("serial (s07)"), "parallel": _("parallel (s08)")},
        "role": {"user": _("user"), "assistant": _("model")},
        "node": {"drain": _("1 drain the queue"), "model": _("2 call the model"), "tools": _("3 run the tools"),
                 "idle": _("idle: wait for a result")},
        "first": _("First"), "back": _("Back"), "next": _("Next"), "last": _("Last"),
        "key_first": _("First step (Home)"), "key_back": _("Previous step (←)"), "key_next": _("Next step (→)"),
        "key_last": _("Last step (End)"), "key_prev_drain": _("The previous drain that delivered results (Shift+←)"),
        "key_next_drain": _("The next drain that delivers results (Shift+→)"), "key_play": _("Play the steps (P)"),
        "prev_drain": _("« Previous delivery"), "next_drain": _("Next delivery »"),
        "play": _("Play"), "pause": _("Pause"), "speed": _("Speed"), "speed_x": _("{x}× speed"),
        "harness": _("Harness"), "where": _("Step {step} of {total} · t = {t} s"),
        "slider": _("Step"), "slider_time": _("Time"),
        "frozen": _("Paused at step {step}: what happens next is hidden until you answer."),
        "opened": _("Answered: every step of this run is open now."),
        "overview": _("The whole run; the frame marks what the timeline shows"),
        "zoom": _("Time axis:"), "zoom_follow": _("Around this step"), "zoom_whole": _("Whole run"),
        "no_chart": _("The timeline needs the chart library, which did not load."),
        "load_failed": _("The player could not load its files from the server."),
        "legend_spawn": _("task started"), "legend_deliver": _("result delivered at a drain"),
        "legend_drain": _("drain (big: it delivered results)"), "legend_queue": _("notifications waiting"),
        "main_thread": _("Main thread: the agent loop"), "main_is": _("Now: {state}."),
        "serial_note": _("The serial harness has no background threads and no queue: every command runs on the "
                         "main thread, which is blocked until it ends."),
        "threads": _("Background threads"), "threads_none": _("None yet."),
        "card": _("{who} · {status}"),
        "lock_free": _("The queue's lock is free."),
        "lock_enqueue": _("{who} holds the queue's lock: it adds its notification."),
        "lock_drain": _("The main thread holds the queue's lock: it takes every notification."),
        "queue_title": forms(ngettext("Notification queue: {n} waiting", "Notification queue: {n} waiting", 1),
                             ngettext("Notification queue: {n} waiting", "Notification queue: {n} waiting", 2)),
        "queue_empty": _("Empty."),
        "sent_to_convo": _("Just taken out, now in the conversation:"),
        "code_title": _("The code that ran"),
        "code_note": _("The engine's own functions; the highlighted line did this step."),
        "message_head": _("#{n} · {role}"), "injected": _("injected by the loop, not written by anyone"),
        "convo_note": _("What the model will read at its next call."),
        "convo_title": forms(ngettext("Conversation: {n} message", "Conversation: {n} messages", 1),
                             ngettext("Conversation: {n} message", "Conversation: {n} messages", 2)),
        "convo_empty": _("Conversation: empty"),
        "call_tokens": _("{input} tokens in · {output} out"),
        "call_tokens_est": _("≈ {input} tokens in · {output} out (estimated)"),
        "tokens_so_far": _("Model calls so far: {calls} · tokens in {input} · out {output}"),
        "killed_by_model": _("killed by the model"), "killed_why": _("killed ({why})"),
        "tasks_title": _("What check_background() would report now"),
        "tasks_none": _("No background task yet."),
        "task_cols": [_("task"), _("command"), _("status"), _("exit code"), _("started (s)"), _("finished (s)"),
                      _("delivered")],
        "no_drain_yet": _("No drain yet: the loop drains the queue right before each model call."),
        "drain_now": _("This step is a drain (t = {t} s)"), "drain_last": _("The last drain, at step {step} (t = {t} s)"),
        "queue_before": _("Queue before: {list}"), "queue_after": _("Queue after: {list}"), "none": _("none"),
        "injected_exact": _("Injected into the conversation, word for word:"),
        "drain_empty": _("The queue was empty, so nothing was injected."),
        "next_moment": _("Next moment"), "at_time": _("t = {t} s on both timelines"),
        "run_head": {"serial": _("Serial (s07): every command blocks"),
                     "parallel": _("Parallel (s08): slow commands in the background")},
        "run_total": _("{t} s in all"), "compare_state": _("Main thread: {state}. {say}"),
        "prev_lesson": _("← Previous lesson"), "next_lesson": _("Next lesson →"),
        "lesson_of": _("Lesson {n} of {total}"), "takeaway": _("In one line:"),
        "your_answer": _("Your answer:"), "more_panels": _("The code, the conversation and the task table"),
        "open_in_viewer": _("Open it in the viewer"), "link_step": _("{caption} (step {step})"),
        "right": _("Right."), "not_quite": _("Not quite."), "what_happened": _("What the run shows"),
    }
