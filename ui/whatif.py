"""The sidebar's What-if controls: change a scenario's commands and settings, and both runs play again."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from simulator.errors import InputError
from simulator.i18n import _
from simulator.inputs import Source
from simulator.whatif import (
    DRAIN_POLICY_WORDS,
    END_TURN_WAITS_WORDS,
    NOTIFICATION_SHAPE_WORDS,
    apply_changes,
    current_values,
    decode_changes,
    describe,
    diff,
    encode_changes,
    whatif_document,
)

from .text import md_plain, md_safe
from .url import set_url, url_get

_WI_WIDGETS = ("wi_cmd", "wi_dur", "wi_exit", "wi_out", "wi_latency", "wi_conc", "wi_policy", "wi_shape", "wi_waits")


def _wi_state() -> dict[str, Any]:
    return st.session_state.setdefault("_whatif", {})


def _wi_forget_widgets(*keys: str) -> None:
    for key in keys or _WI_WIDGETS:
        st.session_state.pop(key, None)


def _wi_store(field: str) -> None:
    """Copy a What-if widget's value into the stored values (widgets come and go; values stay)."""
    state = _wi_state()
    values = state["values"]
    cmd = state["commands"][st.session_state.get("wi_cmd", 0)]
    if field == "wi_dur":
        values["commands"][cmd]["duration_s"] = float(st.session_state["wi_dur"])
    elif field == "wi_exit":
        values["commands"][cmd]["exit_code"] = int(st.session_state["wi_exit"])
    elif field == "wi_out":
        values["commands"][cmd]["output_bytes"] = int(st.session_state["wi_out"])
    elif field == "wi_latency":
        values["settings"]["model_latency_s"] = float(st.session_state["wi_latency"])
    elif field == "wi_conc":
        conc = int(st.session_state["wi_conc"])
        values["settings"]["max_concurrent"] = conc or None
    elif field == "wi_policy":
        values["settings"]["drain_policy"] = st.session_state["wi_policy"]
    elif field == "wi_shape":
        values["settings"]["notification_shape"] = st.session_state["wi_shape"]
    elif field == "wi_waits":
        values["settings"]["end_turn_waits"] = bool(st.session_state["wi_waits"])


def _shape_controls(box: Any, settings: dict[str, Any]) -> None:
    """How the drain words what it delivers, and whether the loop waits at end_turn (the reference loop's bug)."""
    st.session_state.setdefault("wi_shape", settings["notification_shape"])
    st.session_state.setdefault("wi_waits", bool(settings["end_turn_waits"]))
    box.radio(_("Notifications reach the model as…"), list(NOTIFICATION_SHAPE_WORDS), key="wi_shape",
              format_func=lambda k: _(NOTIFICATION_SHAPE_WORDS[k]), on_change=_wi_store, args=("wi_shape",))
    box.checkbox(_("At end_turn, wait for running tasks"), key="wi_waits", on_change=_wi_store, args=("wi_waits",),
                 help=_("Untick to replay the reference loop's bug: it {words}.").format(
                     words=_(END_TURN_WAITS_WORDS[False])))


def _wi_reset(data: dict[str, Any]) -> None:
    _wi_state()["values"] = current_values(data)
    _wi_forget_widgets()


def whatif_values(source: Source) -> tuple[dict[str, Any], dict[str, Any]]:
    """The What-if state of ``source``: (changed scenario data, change set).

    The controls' callbacks have stored their values before the script runs, so the
    runs can be made (and the player sent) before the controls are drawn. The change
    set is kept in ``?changes=`` (base64url JSON), so a link brings it back.
    """
    data = source.data or {}
    state = _wi_state()
    if state.get("source") != source.key:
        state.update(source=source.key, commands=list(current_values(data)["commands"]), values=current_values(data))
        _wi_forget_widgets()
    raw = url_get("changes")
    written = st.session_state.setdefault("_url_written", {})
    if raw is not None and raw != written.get("changes"):
        written["changes"] = raw
        try:
            state["values"] = current_values(apply_changes(data, decode_changes(raw)))
            _wi_forget_widgets()
        except InputError as exc:
            st.error(md_plain(_("{error} (the link's changes were ignored)").format(error=exc)), icon=":material/error:")
    changes = diff(data, state["values"])
    set_url(changes=encode_changes(changes) or None)
    return apply_changes(data, changes), changes


def whatif_panel(source: Source, changes: dict[str, Any]) -> None:
    """The sidebar's What-if controls for ``source`` (after ``whatif_values``) and the change set's summary."""
    data = source.data or {}
    state = _wi_state()
    values = state["values"]
    commands = state["commands"]

    box = st.sidebar
    box.header(_("What if…"))
    box.caption(_("Change the scenario and both runs are played again at once (on the virtual clock)."))
    if commands:
        if st.session_state.get("wi_cmd", 0) >= len(commands):
            st.session_state["wi_cmd"] = 0
        idx = box.selectbox(_("Command"), range(len(commands)), key="wi_cmd",
                            format_func=lambda i: commands[i][:60],
                            on_change=_wi_forget_widgets, args=("wi_dur", "wi_exit", "wi_out"))
        now = values["commands"][commands[idx]]
        for key, value in (("wi_dur", now["duration_s"]), ("wi_exit", now["exit_code"]),
                           ("wi_out", now["output_bytes"])):
            st.session_state.setdefault(key, value)
        c1, c2 = box.columns(2)
        c1.number_input(_("Duration (s)"), min_value=0.0, max_value=86400.0, step=5.0, format="%.1f", key="wi_dur",
                        on_change=_wi_store, args=("wi_dur",))
        c2.number_input(_("Exit code"), min_value=-255, max_value=255, step=1, key="wi_exit",
                        on_change=_wi_store, args=("wi_exit",))
        box.number_input(_("Output size (bytes)"), min_value=0, max_value=1_000_000_000, step=1000, key="wi_out",
                         on_change=_wi_store, args=("wi_out",))
    settings = values["settings"]
    st.session_state.setdefault("wi_latency", float(settings["model_latency_s"]))
    st.session_state.setdefault("wi_conc", int(settings["max_concurrent"] or 0))
    st.session_state.setdefault("wi_policy", settings["drain_policy"])
    c1, c2 = box.columns(2)
    c1.number_input(_("Model latency (s)"), min_value=0.0, max_value=3600.0, step=0.1, format="%.1f", key="wi_latency",
                    on_change=_wi_store, args=("wi_latency",),
                    help=_("How long each model call takes (turns that set their own latency keep it)."))
    c2.number_input(_("Tasks at once"), min_value=0, max_value=64, step=1, key="wi_conc",
                    on_change=_wi_store, args=("wi_conc",), help=_("How many background tasks may run at once; 0 means no limit."))
    box.radio(_("Drain the queue…"), list(DRAIN_POLICY_WORDS), key="wi_policy", format_func=lambda k: _(DRAIN_POLICY_WORDS[k]),
              on_change=_wi_store, args=("wi_policy",))
    _shape_controls(box, settings)
    if changes:
        box.markdown("**" + _("Changed:") + "**\n" + "\n".join(f"- {md_safe(line)}" for line in describe(data, changes)))
        box.button(_("Reset all changes"), icon=":material/restart_alt:", on_click=_wi_reset, args=(data,),
                   key="wi_reset")
    else:
        box.caption(_("No change yet: this is the scenario as written."))
    doc = whatif_document(data, changes)
    box.download_button(_("Download this scenario (JSON)"), lambda: json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                        file_name=f"{doc.get('name', 'scenario')}.json", mime="application/json", on_click="ignore",
                        icon=":material/download:", key="wi_download",
                        help=_("Open it again with the file picker above, on this page or the viewer."))
