"""The panels beside the timeline: the notification queue and its drains, the conversation, the task table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from simulator.trace import Trace
from views import panels

from .text import md_plain

#: How the task table's columns are drawn (the viewer and the Live page show the same table).
TASK_COLUMNS = {"delivered": st.column_config.CheckboxColumn("delivered"),
                "started (s)": st.column_config.NumberColumn(format="%.1f"),
                "finished (s)": st.column_config.NumberColumn(format="%.1f")}


def queue_panel(trace: Trace, snap: Any, mode: str, go_to: Callable[[int], None]) -> None:
    """The queue at this step and the latest drain: before, after and the exact text it injected."""
    st.markdown("##### Notification queue")
    if mode == "serial":
        st.caption("The serial harness has no queue: each command's result comes straight back as its tool "
                   "result, after the main thread has waited for it.")
        return
    if snap.queue:
        st.caption(f"{len(snap.queue)} notification{'s' if len(snap.queue) != 1 else ''} waiting for the "
                   "next drain (it comes right before the next model call):")
        st.dataframe(panels.queue_rows(snap.queue), hide_index=True, width="stretch")
    else:
        st.caption("Empty right now.")
    info = panels.drain_panel(trace, snap.step)
    if info is None:
        st.caption("No drain yet: the loop drains the queue right before each model call.")
        return
    where = "this step" if info["current"] else f"step {info['step']}"
    with st.container(border=True):
        st.markdown(f"**Drain at {where}** (t = {info['t']:.1f} s)" + (" :orange-badge[now]" if info["current"] else ""))
        before, after = st.columns(2)
        with before:
            st.caption(f"Queue before: {len(info['before'])}")
            if info["before"]:
                st.dataframe([{"task": r["task"], "status": r["status"]} for r in info["before"]],
                             hide_index=True, width="stretch")
        with after:
            st.caption(f"Queue after: {len(info['after'])}")
            if info["after"]:
                st.dataframe([{"task": r["task"], "status": r["status"]} for r in info["after"]],
                             hide_index=True, width="stretch")
        if info["text"]:
            st.caption("Injected into the conversation, word for word:")
            st.code(info["text"], language=None, wrap_lines=True)
        else:
            st.caption("The queue was empty, so nothing was injected and the model call went ahead as is.")
        if not info["current"]:
            st.button("Go to this drain", key="btn_goto_drain", on_click=go_to, args=(info["step"],))


def messages_panel(snap: Any) -> None:
    """The conversation so far, with the blocks the loop injected marked."""
    items = panels.message_items(snap.messages)
    st.markdown(f"##### Conversation so far ({len(items)} message{'s' if len(items) != 1 else ''})")
    st.caption("Blocks marked *injected* were added by the loop itself, not written by the user or the model.")
    parts = sum(len(m["parts"]) for m in items)
    with st.container(height=430 if parts > 4 else "content", border=True, autoscroll=True):
        for m in items:
            with st.chat_message(m["role"], avatar=":material/person:" if m["role"] == "user" else
                                 ":material/smart_toy:"):
                st.caption(f"#{m['index']} · {md_plain(m['role'])}")
                for part in m["parts"]:
                    if part["injected"]:
                        st.markdown(":orange-badge[:material/input: injected by the loop]")
                        st.code(part["text"], language=None, wrap_lines=True)
                    elif part["kind"] == "text":
                        st.text(part["text"])
                    else:
                        st.code(part["text"], language=None, wrap_lines=True)


def tasks_panel(snap: Any, mode: str) -> None:
    """The task table, as ``check_background`` would describe it."""
    st.markdown("##### Background tasks")
    if mode == "serial":
        st.caption("None: in the serial harness every command runs on the main thread.")
        return
    if not snap.tasks:
        st.caption("No task started yet.")
        return
    st.dataframe(panels.task_rows(snap), hide_index=True, width="stretch", column_config=TASK_COLUMNS)
    with st.expander("What `check_background()` would return now"):
        st.code(panels.check_output(snap), language=None)
