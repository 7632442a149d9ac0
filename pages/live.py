"""Run the agent loop for real: a model decides, real commands run, and the timeline grows while they do.

The run itself lives in ``simulator.live`` (a worker thread per run); this page
only starts it, polls a copy of its trace and draws it.
"""

from __future__ import annotations

import os
import uuid

import streamlit as st

from simulator.anthropic_model import KEY_ENV, default_model_name
from simulator.errors import InputError
from simulator.i18n import N_, _
from simulator.inputs import Source, bundled
from simulator.live.isolation import live_blocker, unsandboxed_warning
from simulator.live.manager import MANAGER
from simulator.live.settings import (
    DEFAULT_END_WAIT_S,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_MAX_RUN_S,
    DEFAULT_MAX_RUNS,
    DEFAULT_TIMEOUT_S,
    ENABLE_ENV,
    MAX_CONCURRENT_CAP,
    MAX_PROMPT_CHARS,
    MAX_RUN_CAP_S,
    MAX_RUNS_ENV,
    MAX_TIMEOUT_S,
    live_enabled,
)
from simulator.modes import MODES, PARALLEL
from simulator.whatif import NOTIFICATION_SHAPE_WORDS
from ui.live_actions import (
    api_key,
    clear,
    open_in_viewer,
    recording_source,
    recordings,
    secret,
    settings,
    start,
    stop,
)
from ui.live_view import draw_run
from ui.pickers import mode_label
from ui.setup import start_page
from ui.text import md_plain, md_safe
from ui.uploads import file_picker

POLL_S = 0.5
DEFAULT_PROMPT = N_('Start two background tasks, "sleep 2" and "sleep 4", then tell me when both have finished.')
LLM_LABELS = {"anthropic": N_("Anthropic API (a real model)"), "recorded": N_("A recording's decisions")}

start_page()

# --------------------------------------------------------------------------------------- page
if st.session_state.pop("_live_go_viewer", False):
    st.switch_page("pages/viewer.py")
on, how = live_enabled(os.environ.get(ENABLE_ENV), secret("live", "enabled"))
blocked = live_blocker() if on else None  # turned on, but no sandbox can start here
on = on and blocked is None
owner = st.session_state.setdefault("_live_owner", uuid.uuid4().hex)
run = MANAGER.get(owner)
view = run.view() if run is not None else None
running = view is not None and view.running

st.title(_("Live run"))
st.markdown(_(
    "The other pages replay runs on a simulated clock. Here the agent loop runs **for real**: a model chooses the "
    "tools, its shell commands run on this server in an empty work directory, and `background_run` hands them to "
    "real background threads. The timeline, the notification queue and the task table fill in while the run goes "
    "on."))
if blocked:
    st.error(md_plain(blocked), icon=":material/lock:")
elif not on:
    with st.container(border=True, key="live_off"):
        st.warning(_("Live runs are **off** on this server: they run real shell commands, so the operator has to "
                     "turn them on."), icon=":material/lock:")
        st.markdown(_("To turn them on, start the app with the environment variable `S08_LIVE=1`:"))
        st.code("S08_LIVE=1 streamlit run server.py", language="bash")
        st.markdown(_("or put this in `.streamlit/secrets.toml` and restart the app:"))
        st.code("[live]\nenabled = true", language="toml")
        st.caption(_("Other limits: `{name}` sets how many live runs the server allows at once (default {n}). "
                     "Below you can still set up a run and read what it would do.").format(
            name=MAX_RUNS_ENV, n=DEFAULT_MAX_RUNS))
        st.caption(_("Every command of a live run runs in a bubblewrap sandbox of its own: no network, its own "
                     "processes only, the system read-only, only its work directory writable, and limits on "
                     "processes, memory, file size, CPU time and output (see docs/sandbox.md). Without "
                     "bubblewrap, live runs stay off."))
else:
    st.caption(_("Live runs are on ({how}). Runs going on this server: {n} of {max}.").format(
        how=md_safe(how), n=MANAGER.active(), max=MANAGER.max_runs))
    warning = unsandboxed_warning()
    if warning:
        st.warning(md_plain(warning), icon=":material/warning:")

left, right = st.columns([1.6, 1], gap="large")
with left:
    llm = st.radio(_("Model"), list(LLM_LABELS), key="live_llm", format_func=lambda k: _(LLM_LABELS[k]),
                   horizontal=True, disabled=running,
                   help=_("A real model through the Anthropic API, or the decisions stored in a recording "
                          "(replayed as they were made, with the commands run again for real)."))
    source: Source | None = None
    if llm == "anthropic":
        st.session_state.setdefault("live_prompt", _(DEFAULT_PROMPT))
        st.text_area(_("Prompt"), key="live_prompt", height=100, max_chars=MAX_PROMPT_CHARS, disabled=running,
                     help=_("What the agent should do. Its commands run in an empty directory."))
        c1, c2 = st.columns(2)
        st.session_state.setdefault("live_model", default_model_name())
        c1.text_input(_("Model id"), key="live_model", disabled=running)
        c2.text_input(_("Anthropic API key"), key="live_key", type="password", disabled=running,
                      placeholder=_("optional when the server has one"),
                      help=_("Kept in this browser session's memory only: never written to a file, a trace, a "
                             "recording or a log, and never shown to another session."))
        where = api_key()[1]
        st.caption(_("API key: {where}.").format(where=where) if where else
                   _("API key: none yet. Type one above, or set {name} / the Streamlit secrets on the server.").format(
                       name=KEY_ENV))
    else:
        names = recordings()
        st.selectbox(_("Recording"), names, key="live_rec", disabled=running,
                     format_func=lambda n: f"{n} · {_(bundled(n).title)}",
                     help=_("A bundled recording of a real run; its model decisions are replayed."))
        file_picker(st, _("…or upload a recording (JSON)"), types=["json"], key="live_upload", disabled=running)
        try:
            source = recording_source()
        except InputError as exc:
            st.error(md_plain(str(exc)), icon=":material/error:")
        if source is not None and source.scenario is not None:
            st.text_area(_("Prompt (the recording's own)"), source.scenario.prompt, disabled=True, height=80)
        st.checkbox(_("Take the recorded time for each model answer"), value=True, key="live_pace",
                    disabled=running, help=_("Off: each decision comes at once, so only the commands take time."))
with right:
    st.session_state.setdefault("live_mode", PARALLEL)
    st.radio(_("Harness"), MODES, key="live_mode", format_func=mode_label, horizontal=True,
             disabled=running, help=_("parallel (s08): background_run starts a background thread. "
                                      "serial (s07): every command blocks the loop."))
    st.number_input(_("Kill a command after (s)"), min_value=1.0, max_value=MAX_TIMEOUT_S,
                    value=DEFAULT_TIMEOUT_S, step=10.0, key="live_timeout", disabled=running)
    st.slider(_("Background tasks at once"), 1, MAX_CONCURRENT_CAP, DEFAULT_MAX_CONCURRENT, key="live_conc",
              disabled=running,
              help=_("At most {n} per browser session; the rest wait in line.").format(n=MAX_CONCURRENT_CAP))
    with st.expander(_("More limits")):
        st.number_input(_("Wait for tasks after the model's last word (s)"), min_value=1.0, max_value=MAX_RUN_CAP_S,
                        value=DEFAULT_END_WAIT_S, step=10.0, key="live_end_wait", disabled=running)
        st.number_input(_("Stop the whole run after (s)"), min_value=10.0, max_value=MAX_RUN_CAP_S,
                        value=DEFAULT_MAX_RUN_S, step=60.0, key="live_max_run", disabled=running)
        st.radio(_("Notifications reach the model as…"), list(NOTIFICATION_SHAPE_WORDS), key="live_shape",
                 format_func=lambda k: _(NOTIFICATION_SHAPE_WORDS[k]), disabled=running)

with st.expander(_("What Start does"), expanded=not on):
    s = settings()
    if llm == "anthropic":
        who = _("Ask **{model}** through the Anthropic API for every turn.").format(
            model=md_safe(st.session_state.get("live_model") or default_model_name()))
    elif source is not None:
        who = (_("Replay the decisions of the recording **{name}**, each after its recorded time.")
               if st.session_state.get("live_pace", True) else
               _("Replay the decisions of the recording **{name}**, each at once.")).format(name=md_safe(source.name))
    else:
        who = _("Replay the decisions of the chosen recording.")
    st.markdown("\n".join([
        "1. " + _("Make an empty work directory on the server for this browser session (removed when you start "
                  "another run or clear this one)."),
        "2. " + who,
        "3. " + _("Run every command it asks for, for real, in the **{harness}** harness.").format(
            harness=mode_label(s.mode)),
        "4. " + _("Run every command in a sandbox of its own (bubblewrap), which sees nothing of the server but "
                  "the system, read-only, and this work directory.") + " " + _("Refuse dangerous commands (sudo, rm -rf /, …), keep file tools inside the directory, kill any "
                  "command after {timeout} s, run at most {n} background tasks at once, and stop the whole run "
                  "after {limit} s.").format(timeout=f"{s.timeout_s:g}", n=s.max_concurrent,
                                             limit=f"{s.max_run_s:g}"),
        "5. " + _("Keep API keys and other credentials out of the commands' environment, and scrub them from the "
                  "trace and the download."),
        "6. " + _("Draw the timeline as it grows; when the run ends, offer it as a recording to download or to "
                  "open in the step-through viewer."),
    ]))

row = st.container(horizontal=True, vertical_alignment="center")
row.button(_("Start"), icon=":material/play_arrow:", type="primary", key="live_start", on_click=start,
           args=(owner,), disabled=not on or running,
           help=_("Start a live run") if on else _("Live runs are off on this server"))
row.button(_("Stop"), icon=":material/stop:", key="live_stop", on_click=stop, args=(owner,), disabled=not running,
           help=_("End the run now and kill every task it started"))
if view is not None and not running:
    row.button(_("Clear"), icon=":material/delete:", key="live_clear", on_click=clear, args=(owner,),
               help=_("Forget this run and remove its work directory"))
if st.session_state.get("_live_msg"):
    st.error(md_plain(st.session_state["_live_msg"]), icon=":material/error:")



if view is None:
    if on:
        st.caption(_("No run yet in this browser session."))
else:
    @st.fragment(run_every=POLL_S if running else None)
    def live_panel() -> None:
        current = MANAGER.get(owner)
        if current is None or current.id != view.run_id:
            st.rerun()
        v = current.view()
        if v.running != running:
            st.rerun()  # started or ended since the page was drawn: redraw the buttons and the download
        draw_run(v)

    live_panel()

    if not running:
        st.markdown("##### " + _("Keep this run"))
        if view.download_note:
            st.caption(md_safe(view.download_note))
        keep = st.container(horizontal=True)
        keep.download_button(_("Download the recording (JSON)") if view.download_kind == "recording" else
                             _("Download the trace (JSON)"), view.download or b"",
                             file_name=view.download_name, mime="application/json", icon=":material/download:",
                             key="live_download", on_click="ignore", disabled=view.download is None,
                             help=_("API keys and the work directory's path are scrubbed from it."))
        keep.button(_("Open in the step-through viewer"), icon=":material/timeline:", key="live_open",
                    disabled=view.download is None, on_click=open_in_viewer, args=(view,),
                    help=_("Step through this run like any bundled run (the page's file picker is left alone)"))
        if view.files:
            with st.expander(_("Files the run left in its work directory ({n})").format(n=len(view.files))):
                st.dataframe([{_("file"): name, _("bytes"): size} for name, size in view.files], hide_index=True,
                             width="stretch")
