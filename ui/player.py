"""The player in the app: the same renderer as the HTML export, mounted as a Streamlit component.

Stepping happens in the browser, with no round trip to the server. The player keeps
``?step=`` (and ``?mode=``, ``?lesson=``, ``?t=``) in the page's address as it goes,
so a reload, a copied link or the next rerun of the page sees where the reader is.
Its files are served by Streamlit's static serving from ``static/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

#: Loads one of the player's files once per browser page (the page's first screen shares it, ``ui.first_screen``).
ONCE = """
const BASE = new URL("app/static/", document.baseURI).href;
function once(tag, attrs) {
  const key = attrs.src || attrs.href;
  const found = document.querySelector(`[data-s08="${key}"]`);
  if (found) return found.__ready;
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.dataset.s08 = key;
  node.__ready = new Promise((ok, fail) => { node.onload = ok; node.onerror = () => fail(new Error(key)); });
  document.head.appendChild(node);
  return node.__ready;
}
function playerFiles() {
  return Promise.all([once("link", { rel: "stylesheet", href: BASE + "player.css" }), once("script", { src: BASE + "vega.js" }),
                      once("script", { src: BASE + "player.js" })]);
}
"""

#: Loads the player's files, then mounts the document (again when it changes); the viewer's list switches at once.
LOADER = ONCE + (Path(__file__).resolve().parent.parent / "static" / "switch.js").read_text(encoding="utf-8") + """
let pending = {}, timer = null;
function flush() {
  clearTimeout(timer); timer = null;
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(pending)) {
    if (v === null || v === undefined) url.searchParams.delete(k); else url.searchParams.set(k, String(v));
  }
  pending = {};
  window.history.replaceState(window.history.state, "", url.toString());
}
function keep(parts) {  // at most a few address changes a second, however fast the reader steps
  Object.assign(pending, parts);
  if (timer === null) timer = setTimeout(flush, 150);
}
window.addEventListener("pagehide", flush);
function sameRuns(text, runs) {  // the document's runs are these (its view aside)
  const cut = text.lastIndexOf(',"view":');
  return cut > 0 && text.slice(0, cut) + "}" === runs;
}
function viewOf(text) {  // the document's view alone, without reading its runs
  const cut = text.lastIndexOf(',"view":');
  try { return (cut > 0 && JSON.parse(text.slice(cut + 8, -1))) || {}; } catch (err) { return {}; }
}
function takeOver(host, data) {  // the first screen's player (ui.first_screen) becomes this one: charts, moment, focus
  const first = window.__s08first;
  if (!first || host.__s08 || !data.view || data.view.kind !== first.kind) return { opts: {} };
  const ctl = first.handOver();
  if (!ctl) return { opts: {} };
  host.__s08 = ctl;  // mount releases it: the new player takes its drawn charts
  return { opts: ctl.t === undefined ? {} : { t: ctl.t }, refocus: first.refocus };
}
export default function (component) {
  const { parentElement } = component;
  const text = component.data;
  const shown = parentElement.__s08drawn;  // the runs the last What-if change (or list pick) drew, and its number
  if (shown && typeof text === "string") {
    const view = viewOf(text), seq = Number(view.seq) || 0;
    if (seq < shown.seq) return;  // an older change's rerun: the rerun of the newer one follows
    if (seq === shown.seq && sameRuns(text, shown.runs)) {  // this change's rerun: its runs are drawn already
      watchSwitch(parentElement, view.switch);
      return;
    }
  }
  parentElement.__s08drawn = null;
  const data = typeof text === "string" ? JSON.parse(text) : text;
  playerFiles().then(() => {
    const opts = {
      onStep: (step, mode) => keep({ step, mode }),
      onLesson: (lesson) => keep({ lesson }),
      onTime: (t) => keep({ t: t.toFixed(1) }),
    };
    const handed = takeOver(parentElement, data);
    window.S08Player.mount(parentElement, data, Object.assign(handed.opts, opts));
    if (handed.refocus) handed.refocus(parentElement);
    watchSwitch(parentElement, data.view && data.view.switch);
    // What-if draws a changed scenario's runs (a document's text without its view) where the cursor is
    parentElement.__s08show = (runs, seq) => {
      const doc = JSON.parse(runs), now = parentElement.__s08;
      doc.view = Object.assign({}, data.view, now && now.t !== undefined ? { t: now.t } : {}, { seq });
      parentElement.__s08drawn = { seq, runs };
      return window.S08Player.mount(parentElement, doc, opts);
    };
    // the viewer's list draws another bundled run (its document from the viewer route) at its first step
    parentElement.__s08switch = (runs, view) => {
      const doc = JSON.parse(runs);
      doc.view = view;
      parentElement.__s08drawn = null;
      const ctl = window.S08Player.mount(parentElement, doc, opts);
      parentElement.__s08drawn = { seq: 0, runs };  // drawn: the page's rerun with these runs is skipped
      return ctl;
    };
  }).catch((err) => { parentElement.textContent = data.strings.load_failed + " (" + err.message + ")"; });
}
"""

_PLAYER = st.components.v2.component("s08_player", js=LOADER, isolate_styles=False)


def player(doc: dict[str, Any], *, key: str) -> None:
    """Draw a player document (from ``exports.player.document.player_document``) under ``key``.

    The document goes to the browser as one JSON text (a shared document's is made once),
    not as a structure Streamlit would walk and encode again on every rerun.
    """
    text = doc.text() if callable(getattr(doc, "text", None)) else json.dumps(doc, ensure_ascii=False)
    _PLAYER(data=text, key=key)
