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
from simulator.i18n import _
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
from ui.pickers import MODE_LABELS
from ui.setup import start_page
from ui.text import md_plain, md_safe

POLL_S = 0.5
DEFAULT_PROMPT = 'Start two background tasks, "sleep 2" and "sleep 4", then tell me when both have finished.'
LLM_LABELS = {"anthropic": "Anthropic API (a real model)", "recorded": "A recording's decisions"}

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

st.title("Live run")
st.markdown(
    "The other pages replay sessions on a simulated clock. Here the agent loop runs **for real**: a model "
    "chooses the tools, its shell commands run on this server in an empty work directory, and "
    "`background_run` hands them to real background threads. The timeline, the notification queue and the "
    "task table fill in while the run goes on."
)
if blocked:
    st.error(md_plain(blocked), icon=":material/lock:")
elif not on:
    with st.container(border=True, key="live_off"):
        st.warning("Live runs are **off** on this server: they run real shell commands, so the operator has to "
                   "turn them on.", icon=":material/lock:")
        st.markdown("To turn them on, start the app with the environment variable `S08_LIVE=1`:")
        st.code("S08_LIVE=1 streamlit run streamlit_app.py", language="bash")
        st.markdown("or put this in `.streamlit/secrets.toml` and restart the app:")
        st.code("[live]\nenabled = true", language="toml")
        st.caption(f"Other limits: `{MAX_RUNS_ENV}` sets how many live runs the server allows at once "
                   f"(default {DEFAULT_MAX_RUNS}). Below you can still set up a run and read what it would do.")
        st.caption(_("Every command of a live run runs in a bubblewrap sandbox of its own: no network, its own "
                     "processes only, the system read-only, only its work directory writable, and limits on "
                     "processes, memory, file size, CPU time and output (see docs/sandbox.md). Without "
                     "bubblewrap, live runs stay off."))
else:
    st.caption(f"Live runs are on ({md_safe(how)}). Runs going on this server: {MANAGER.active()} of "
               f"{MANAGER.max_runs}.")
    warning = unsandboxed_warning()
    if warning:
        st.warning(md_plain(warning), icon=":material/warning:")

left, right = st.columns([1.6, 1], gap="large")
with left:
    llm = st.radio("Model", list(LLM_LABELS), key="live_llm", format_func=LLM_LABELS.get, horizontal=True,
                   disabled=running,
                   help="A real model through the Anthropic API, or the decisions stored in a recording "
                        "(replayed as they were made, with the commands run again for real).")
    source: Source | None = None
    if llm == "anthropic":
        st.session_state.setdefault("live_prompt", DEFAULT_PROMPT)
        st.text_area("Prompt", key="live_prompt", height=100, max_chars=MAX_PROMPT_CHARS, disabled=running,
                     help="What the agent should do. Its commands run in an empty directory.")
        c1, c2 = st.columns(2)
        st.session_state.setdefault("live_model", default_model_name())
        c1.text_input("Model id", key="live_model", disabled=running)
        c2.text_input("Anthropic API key", key="live_key", type="password", disabled=running,
                      placeholder="optional when the server has one",
                      help="Kept in this browser session's memory only: never written to a file, a trace, a "
                           "recording or a log, and never shown to another session.")
        _key, where = api_key()
        st.caption(f"API key: {where}." if where else
                   f"API key: none yet. Type one above, or set {KEY_ENV} / the Streamlit secrets on the server.")
    else:
        names = recordings()
        st.selectbox("Recording", names, key="live_rec", disabled=running,
                     format_func=lambda n: f"{n} · {bundled(n).title}",
                     help="A bundled recording of a real run; its model decisions are replayed.")
        st.file_uploader("…or upload a recording (JSON)", type=["json"], key="live_upload", disabled=running)
        try:
            source = recording_source()
        except InputError as exc:
            st.error(md_plain(str(exc)), icon=":material/error:")
        if source is not None and source.scenario is not None:
            st.text_area("Prompt (the recording's own)", source.scenario.prompt, disabled=True, height=80)
        st.checkbox("Take the recorded time for each model answer", value=True, key="live_pace", disabled=running,
                    help="Off: each decision comes at once, so only the commands take time.")
with right:
    st.session_state.setdefault("live_mode", PARALLEL)
    st.radio("Harness", MODES, key="live_mode", format_func=MODE_LABELS.get, horizontal=True,
             disabled=running, help="parallel (s08): background_run starts a background thread. "
                                    "serial (s07): every command blocks the loop.")
    st.number_input("Kill a command after (s)", min_value=1.0, max_value=MAX_TIMEOUT_S,
                    value=DEFAULT_TIMEOUT_S, step=10.0, key="live_timeout", disabled=running)
    st.slider("Background tasks at once", 1, MAX_CONCURRENT_CAP, DEFAULT_MAX_CONCURRENT, key="live_conc",
              disabled=running, help=f"At most {MAX_CONCURRENT_CAP} per browser session; the rest wait in line.")
    with st.expander("More limits"):
        st.number_input("Wait for tasks after the model's last word (s)", min_value=1.0, max_value=MAX_RUN_CAP_S,
                        value=DEFAULT_END_WAIT_S, step=10.0, key="live_end_wait", disabled=running)
        st.number_input("Stop the whole run after (s)", min_value=10.0, max_value=MAX_RUN_CAP_S,
                        value=DEFAULT_MAX_RUN_S, step=60.0, key="live_max_run", disabled=running)

with st.expander("What Start does", expanded=not on):
    s = settings()
    if llm == "anthropic":
        who = (f"Ask **{md_safe(st.session_state.get('live_model') or default_model_name())}** through the "
               "Anthropic API for every turn.")
    elif source is not None:
        paced = "each after its recorded time" if st.session_state.get("live_pace", True) else "each at once"
        who = f"Replay the decisions of the recording **{md_safe(source.name)}**, {paced}."
    else:
        who = "Replay the decisions of the chosen recording."
    st.markdown("\n".join([
        "1. Make an empty work directory on the server for this browser session (removed when you start "
        "another run or clear this one).",
        f"2. {who}",
        f"3. Run every command it asks for, for real, in the **{MODE_LABELS[s.mode]}** harness.",
        "4. " + _("Run every command in a sandbox of its own (bubblewrap), which sees nothing of the server but "
                  "the system, read-only, and this work directory.") + " "
        f"Refuse dangerous commands (sudo, rm -rf /, …), keep file tools inside the directory, kill any "
        f"command after {s.timeout_s:g} s, run at most {s.max_concurrent} background tasks at once, and stop "
        f"the whole run after {s.max_run_s:g} s.",
        "5. Keep API keys and other credentials out of the commands' environment, and scrub them from the "
        "trace and the download.",
        "6. Draw the timeline as it grows; when the run ends, offer it as a recording to download or to open "
        "in the step-through viewer.",
    ]))

row = st.container(horizontal=True, vertical_alignment="center")
row.button("Start", icon=":material/play_arrow:", type="primary", key="live_start", on_click=start, args=(owner,),
           disabled=not on or running, help="Start a live run" if on else "Live runs are off on this server")
row.button("Stop", icon=":material/stop:", key="live_stop", on_click=stop, args=(owner,), disabled=not running,
           help="End the run now and kill every task it started")
if view is not None and not running:
    row.button("Clear", icon=":material/delete:", key="live_clear", on_click=clear, args=(owner,),
               help="Forget this run and remove its work directory")
if st.session_state.get("_live_msg"):
    st.error(md_plain(st.session_state["_live_msg"]), icon=":material/error:")



if view is None:
    if on:
        st.caption("No run yet in this browser session.")
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
        st.markdown("##### Keep this run")
        if view.download_note:
            st.caption(md_safe(view.download_note))
        keep = st.container(horizontal=True)
        keep.download_button(f"Download the {view.download_kind} (JSON)", view.download or b"",
                             file_name=view.download_name, mime="application/json", icon=":material/download:",
                             key="live_download", on_click="ignore", disabled=view.download is None,
                             help="API keys and the work directory's path are scrubbed from it.")
        keep.button("Open in the step-through viewer", icon=":material/timeline:", key="live_open",
                    disabled=view.download is None, on_click=open_in_viewer, args=(view,),
                    help="Step through this run like any bundled session (the page's file picker is left alone)")
        if view.files:
            with st.expander(f"Files the run left in its work directory ({len(view.files)})"):
                st.dataframe([{"file": name, "bytes": size} for name, size in view.files], hide_index=True,
                             width="stretch")
