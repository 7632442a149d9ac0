/* The start page's first screen, drawn by the browser from the page's own HTML before Streamlit has
 * started (ui/first_screen.py puts it there, with the page's words and player document). The reader can
 * step it at once. Streamlit's own script, held back, starts once it is drawn; when the page's own player
 * mounts (ui/player.py), it takes this one's charts, moment and focus, and the first screen goes.
 * Needs ONCE (ui/player.py) before it, in the same function: ``once`` and ``playerFiles``. */
(function () {
  let booted = false, preloaded = false, watch = null, quiet = null, cap = null;
  function preload() {  // Streamlit's scripts are fetched: on a fast link once the charts are drawn (their
    if (preloaded) return;  // compiling would take the main thread from the charts), on a slow one at once
    preloaded = true;
    for (const held of document.querySelectorAll("link[rel='s08-later']")) held.rel = "modulepreload";
  }
  const link = navigator.connection && navigator.connection.effectiveType;
  if (link && link !== "4g") document.addEventListener("DOMContentLoaded", preload);
  function boot() {  // Streamlit's script starts (its start-up would take the main thread from the charts)
    if (booted) return;
    booted = true;
    preload();
    for (const held of document.querySelectorAll("script[type='s08-later']")) {
      const script = document.createElement("script");
      script.type = "module";
      script.setAttribute("crossorigin", held.getAttribute("crossorigin") || "");
      script.src = held.src;
      held.replaceWith(script);
    }
    cap = setTimeout(done, 20000);  // however slow Streamlit is, it is not covered for longer
  }
  setTimeout(boot, 4000);  // however slow the drawing, Streamlit does not wait longer
  const state = { kind: null, ctl: null, gone: false, focus: -1 };
  let box = null;
  const controls = (node) => [...node.querySelectorAll("button, input, select, a[href]")];
  function cover(on) {  // while the first screen is there, the page below is out of reach (keys, readers)
    const root = document.getElementById("root");
    if (root) root.inert = on;
  }
  function done() {  // the first screen goes; the page below keeps the reader's scroll
    if (state.gone) return;
    state.gone = true;
    boot();
    if (window.__s08first === state) window.__s08first = null;
    if (watch) watch.disconnect();
    clearTimeout(quiet); clearTimeout(cap);
    cover(false);
    if (!box) return;
    const top = box.scrollTop;
    state.focus = box.contains(document.activeElement) ? controls(box).indexOf(document.activeElement) : -1;
    box.remove();
    const main = document.querySelector("[data-testid='stMain']");
    if (main && top) requestAnimationFrame(() => { main.scrollTop = top; });
  }
  state.handOver = () => {  // the page's player is mounting: this one's controller, or null if none is drawn yet
    const ctl = state.ctl;
    done();
    return ctl;
  };
  state.refocus = (host) => {  // the control the reader was on, in the page's player
    const target = state.focus >= 0 ? controls(host)[state.focus] : null;
    if (target) target.focus();
  };

  try {
    const data = JSON.parse(document.getElementById("s08-first-data").textContent);
    state.kind = (data.doc.view || {}).kind;
    const url = new URL(window.location.href);
    if (url.searchParams.get("lang") !== data.lang) {  // the page speaks the first screen's language
      url.searchParams.set("lang", data.lang);
      window.history.replaceState(window.history.state, "", url.toString());
    }
    box = document.createElement("div");  // in <head> still: the box goes into <html>, before <body>
    box.id = "s08-first"; box.className = "s08f"; box.lang = data.lang; box.dataset.testid = "s08-first";
    box.append(Object.assign(document.createElement("div"), { className: "s08f-side" }),
               Object.assign(document.createElement("div"), { className: "s08f-main" }));
    document.documentElement.append(box);
    window.__s08first = state;

    const el = (tag, cls, text) => {
      const node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text !== undefined) node.textContent = text;
      return node;
    };
    const draw = () => {  // the page's words (as text, never HTML) and its player; resolves when the charts are drawn
      cover(true);
      const s = data.screen, md = window.S08Player.markdown, main = box.querySelector(".s08f-main");
      const row = el("div", "s08f-metrics");
      for (const m of s.metrics) {
        const card = el("div", "s08f-metric");
        card.append(el("div", "label", m.label), el("div", "value", m.value), el("span", "note", m.note));
        row.append(card);
      }
      const host = el("div", "s08f-player");
      const links = el("div", "s08f-links");
      for (const l of s.links) { const a = el("a", null, l.label); a.href = l.href; links.append(a); }
      main.append(el("h1", null, s.title), md(s.intro), row, host, md(s.why), md(s.terms), links);
      state.ctl = window.S08Player.mount(host, data.doc, {});
      return state.ctl.rendered;
    };
    playerFiles().then(() => (state.gone ? null : draw()))
      .then(() => requestAnimationFrame(() => setTimeout(boot, 0)), done);  // boot once the charts are painted
    // If the page's player never comes (another page, an error), the first screen goes once Streamlit is
    // quiet, or at once when it shows an error or a dialog.
    watch = new MutationObserver(() => {
      if (document.querySelector("[role='dialog'], [data-testid='stException']")) { done(); return; }
      const app = document.querySelector("[data-testid='stApp']");
      clearTimeout(quiet);
      if (app && app.dataset.testScriptState === "notRunning") quiet = setTimeout(done, 3000);
    });
    watch.observe(document.documentElement, { subtree: true, childList: true, attributes: true,
                                               attributeFilter: ["data-test-script-state"] });
  } catch (err) {
    done();
  }
})();
