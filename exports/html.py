"""A run, a session or a whole course as one HTML file that works offline, with no server and no network.

The file holds the player (``static/player.js`` and ``static/player.css``), the Vega
libraries it draws timelines with (``static/vega.js``, taken whole from
``vl-convert-python``), and the player's document as JSON. Its content security
policy allows no request at all: everything it needs is inside. A step can be linked
to with ``#step=30`` (and ``&mode=serial``); the arrow keys step, as in the app.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from simulator.i18n import _, language
from simulator.modes import PARALLEL, in_mode_order
from simulator.scenario import Scenario
from simulator.trace import Trace

from .player.document import player_document

STATIC = Path(__file__).resolve().parent.parent / "static"
#: No request leaves the file: scripts and styles are inline, and nothing may be fetched.
CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data:; font-src data:")
PAGE_CSS = """
body { margin: 0; background: #fff; color: #0f172a;
  font-family: "Source Sans 3", "Source Sans Pro", "Noto Sans", "DejaVu Sans", system-ui, sans-serif; }
html:lang(zh) body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", system-ui, sans-serif; }
html:lang(ja) body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", system-ui, sans-serif; }
.s08-page { max-width: 1500px; margin: 0 auto; padding: 18px 22px 40px; }
.s08-page header h1 { font-family: system-ui, sans-serif; font-size: 26px; margin: 0 0 4px; color: #0f172a; }
.s08-page header p { font-family: system-ui, sans-serif; color: #475569; margin: 0 0 14px; font-size: 15px; }
"""
BOOT = """
(function () {
  var doc = JSON.parse(document.getElementById("s08-doc").textContent);
  function fromHash() {
    var q = new URLSearchParams(location.hash.replace(/^#/, ""));
    return {step: q.has("step") ? Number(q.get("step")) : null, mode: q.get("mode"), lesson: q.get("lesson")};
  }
  var pending = {}, timer = null;
  function flush() {
    clearTimeout(timer); timer = null;
    var q = new URLSearchParams(location.hash.replace(/^#/, ""));
    Object.keys(pending).forEach(function (k) { if (pending[k] === null) q.delete(k); else q.set(k, String(pending[k])); });
    pending = {};
    history.replaceState(null, "", "#" + q.toString());
  }
  function writeHash(parts) {  // at most a few address changes a second, however fast the reader steps
    Object.keys(parts).forEach(function (k) { pending[k] = parts[k]; });
    if (timer === null) timer = setTimeout(flush, 150);
  }
  window.addEventListener("pagehide", flush);
  var start = fromHash();
  if (start.step !== null) doc.view.step = start.step;
  if (start.mode && doc.runs[start.mode]) doc.view.mode = start.mode;
  if (start.lesson) doc.view.lesson = start.lesson;
  var box = document.getElementById("s08-app");
  function mount() {
    window.S08Player.mount(box, doc, {
      onStep: function (step, mode) { writeHash({step: step, mode: mode}); },
      onLesson: function (id) { writeHash({lesson: id, step: null}); },
      onTime: function (t) { writeHash({t: t.toFixed(1)}); }
    });
  }
  mount();
  window.addEventListener("hashchange", function () {
    var h = fromHash();
    if (h.step !== null) doc.view.step = h.step;
    if (h.mode && doc.runs[h.mode]) doc.view.mode = h.mode;
    if (h.lesson) doc.view.lesson = h.lesson;
    mount();
  });
})();
"""


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _script_json(data: Any) -> str:
    """JSON that can stand inside a ``<script>`` element: no ``<``, so no ``</script>`` can end it early."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inline_script(code: str) -> str:
    return code.replace("</script", "<\\/script")


def html_page(doc: dict[str, Any], title: str, subtitle: str = "") -> str:
    """One self-contained page that shows ``doc`` (a player document) under a heading."""
    lang = html.escape(language())
    parts = [
        "<!doctype html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_static('player.css')}{PAGE_CSS}</style>", "</head>", "<body>",
        '<div class="s08-page"><header>', f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(subtitle)}</p>" if subtitle else "", '</header><main id="s08-app"></main></div>',
        f"<script>{_inline_script(_static('vega.js'))}</script>",
        f"<script>{_inline_script(_static('player.js'))}</script>",
        f'<script type="application/json" id="s08-doc">{_script_json(doc)}</script>',
        f"<script>{BOOT}</script>", "</body>", "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def render(runs: dict[str, Trace], *, scenario: Scenario | None = None, step: int | None = None,
           **_options: Any) -> str:
    """The HTML export of a session: both harnesses (when given) in one file, opening at ``step``."""
    ordered = dict(in_mode_order(runs))
    mode = PARALLEL if PARALLEL in ordered else next(iter(ordered))
    doc = player_document(ordered, {"kind": "viewer", "mode": mode, "step": step or 0})
    first = next(iter(ordered.values()))
    title = _(scenario.title) if scenario is not None else _(str(first.meta.get("title") or first.meta.get("scenario")
                                                                or _("A run")))
    subtitle = _("Step through it with the buttons or the arrow keys; Shift+arrow jumps to the next delivery. "
                 "This file works offline.")
    return html_page(doc, title, subtitle)
