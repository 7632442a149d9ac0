/* The s08 player: draws runs and lessons step by step from a document the Python side computed.
 *
 * One renderer for the app (mounted as a Streamlit component) and for standalone HTML
 * files. Every text from a run is set with textContent, never parsed as HTML.
 * Public entry: S08Player.mount(element, document, options) -> controller.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- small helpers
  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
      else if (k === "style") Object.assign(node.style, v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined) node.append(kid);
    return node;
  }
  function lockIcon() {
    const ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("aria-hidden", "true");
    const body = document.createElementNS(ns, "rect");
    for (const [k, v] of Object.entries({ x: 4, y: 11, width: 16, height: 10, rx: 2 })) body.setAttribute(k, v);
    const hoop = document.createElementNS(ns, "path"); hoop.setAttribute("d", "M8 11V7a4 4 0 0 1 8 0v4");
    svg.append(body, hoop);
    return svg;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  // rebuilds a box only when what it shows has changed: most steps leave most panels as they were,
  // and a panel left alone costs the page no new layout
  function redraw(box, key, build) {
    if (box.__shown === key) return;
    box.__shown = key;
    clear(box);
    build();
  }
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }
  function pl(forms, n) { return Array.isArray(forms) ? forms[n === 1 ? 0 : 1] : forms; }
  function num(n) { return Number(n || 0).toLocaleString("en-US"); }
  function secs(t) { return (Math.round(t * 10) / 10).toFixed(1); }
  const LIGHT = new Set(["idle", "queued", "spawned"]);

  /* A safe subset of Markdown: paragraphs, "- " lists, **bold**, *italic* and `code`. */
  function markdown(text) {
    const box = el("div", { class: "s08p-md" });
    const blocks = String(text || "").split(/\n\s*\n/);
    for (const block of blocks) {
      const lines = block.split("\n");
      if (lines.every((l) => /^\s*[-*] /.test(l))) {
        const ul = el("ul");
        for (const l of lines) ul.append(el("li", {}, inline(l.replace(/^\s*[-*] /, ""))));
        box.append(ul);
      } else if (block.trim()) {
        box.append(el("p", {}, inline(lines.join(" "))));
      }
    }
    return box;
  }
  function inline(text) {
    const out = [];
    const re = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*)/g;
    let last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
      const tok = m[0];
      if (tok.startsWith("**")) out.push(el("strong", { text: tok.slice(2, -2) }));
      else if (tok.startsWith("`")) out.push(el("code", { text: tok.slice(1, -1) }));
      else out.push(el("em", { text: tok.slice(1, -1) }));
      last = m.index + tok.length;
    }
    if (last < text.length) out.push(document.createTextNode(text.slice(last)));
    return out;
  }

  // ---------------------------------------------------------------- the timeline (Vega)
  function legend(mode, s, colors) {
    const lg = el("div", { class: "s08p-legend" });
    const cats = mode === "serial" ? ["model", "tool", "blocked"] :
      ["model", "tool", "blocked", "idle", "queued", "running", "completed", "error", "timeout", "killed"];
    for (const c of cats) lg.append(el("span", {}, el("i", { style: { background: colors[c] } }), s.cat[c]));
    if (mode !== "serial") {
      lg.append(el("span", {}, el("i", { class: "dash", style: { borderColor: "#64748b" } }), s.legend_spawn));
      lg.append(el("span", {}, el("i", { class: "line", style: { borderColor: "#15803d" } }), s.legend_deliver));
      lg.append(el("span", {}, el("i", { class: "diamond", style: { background: "#0f766e" } }), s.legend_drain));
      lg.append(el("span", {}, el("i", { style: { background: "#0d9488" } }), s.legend_queue));
    }
    return lg;
  }

  // ---------------------------------------------------------------- charts kept for the next run shown
  // Every run's spec is the same but for its datasets and parameter values (exports/player/timeline.py):
  // a chart already drawn takes another run's data in a few milliseconds, where a new one costs a compile
  // and a first render. A page that mounts again (a What-if change, another scenario) keeps its charts here.
  function specShape(spec) {
    return JSON.stringify(Object.assign({}, spec, { datasets: null, width: null, height: null,
      params: (spec.params || []).map((p) => p.name) }));
  }
  class ChartPool {
    constructor(items) { this.items = (items || []).filter(Boolean); }
    take(shape) { const i = this.items.findIndex((x) => x.shape === shape); return i < 0 ? null : this.items.splice(i, 1)[0]; }
    drain() { for (const x of this.items) x.view.finalize(); this.items = []; }
  }

  class Timeline {
    constructor(box, run, strings, colors, opts) {
      this.run = run; this.strings = strings; this.opts = opts || {};
      this.zoom = this.opts.zoom || (run.duration > 15 ? "follow" : "whole");
      this.box = box;
      this.shape = specShape(run.timeline);
      const kept = this.opts.pool ? this.opts.pool.take(this.shape) : null;
      this.chart = kept ? kept.chart : el("div", { class: "s08p-chart", "data-testid": "s08-timeline" });
      this.overview = el("div", { class: "s08p-overview", title: strings.overview });
      this.win = el("div", { class: "win" }); this.now = el("div", { class: "now" });
      this.overview.append(this.win, this.now);
      const zb = (mode, label) => el("button", { "data-zoom": mode, text: label, on: { click: () => this.setZoom(mode) } });
      this.zoomBar = el("div", { class: "s08p-zoom" }, el("span", { class: "muted", text: strings.zoom }),
        zb("follow", strings.zoom_follow), zb("whole", strings.zoom_whole));
      box.append(this.chart);
      if (!this.opts.compact) box.append(this.overview, this.zoomBar, legend(run.mode, strings, colors));
      this.ready = kept ? this.adopt(kept.view) : this.build();
      this.t = 0; this.hide = false;
    }
    async build() {
      if (typeof window.vegaEmbed !== "function") { this.chart.textContent = this.strings.no_chart; return; }
      await null;  // the box is in the page now: draw once, at its width and at the first step shown
      if (this.gone) return;
      this.lastW = Math.max(260, this.box.clientWidth - 20);
      const first = this.pending || {};
      const spec = Object.assign({}, this.run.timeline, { width: this.lastW,
        params: (this.run.timeline.params || []).map((p) => (p.name in first ? Object.assign({}, p, { value: first[p.name] }) : p)) });
      const result = await window.vegaEmbed(this.chart, spec, { renderer: window.__s08renderer || "svg", actions: false,
        tooltip: { theme: "light" } });
      if (this.gone) { result.view.finalize(); return; }
      this.started(result.view, first);
    }
    async adopt(view) {  // a kept chart: this run's data and parameters into it, one render
      await null;
      if (this.gone) { view.finalize(); return; }
      this.lastW = Math.max(260, this.box.clientWidth - 20);
      const spec = this.run.timeline, first = this.pending || {};
      for (const [name, values] of Object.entries(spec.datasets || {})) view.data(name, values);
      for (const p of spec.params || []) view.signal(p.name, p.name in first ? first[p.name] : p.value);
      view.width(this.lastW).height(spec.height);
      this.started(view, first);
      await view.runAsync();
    }
    started(view, first) {
      this.view = view;
      this.signals = Object.keys(first).length ? first : null;  // what the chart shows; a later step is sent next
      this.observer = new ResizeObserver(() => this.resize());
      this.observer.observe(this.box);
    }
    resize() {
      if (!this.view) return;
      const w = Math.max(260, this.box.clientWidth - 20);
      if (Math.abs((this.lastW || 0) - w) < 4) return;
      this.lastW = w;
      this.view.width(w).runAsync();
    }
    window(step) {
      const steps = this.run.steps, d = Math.max(this.run.duration, 0.001);
      if (this.zoom === "whole") return (this.kept = [0, d]);
      // the window stays while the steps around this one fit well inside it (the cursor moves, the axis
      // does not), and moves when they would leave it or it has grown far wider than they need; a new
      // window reaches further the way the reader is going, so it stays for many steps (a move redraws
      // every bar)
      const near = [steps[Math.max(0, step - 1)].t, steps[Math.min(steps.length - 1, step + 1)].t];
      const k = this.kept, ahead = this.shownStep === undefined ? 0 : Math.sign(step - this.shownStep);
      this.shownStep = step;
      const want = this.follow(step, ahead);
      if (k && (k[0] !== 0 || k[1] !== d)) {
        const margin = (k[1] - k[0]) * 0.05, wide = (k[1] - k[0]) > 3 * (want[1] - want[0]);
        if (near[0] >= k[0] + margin && near[1] <= k[1] - margin && !wide) return k;
      }
      return (this.kept = want);
    }
    follow(step, ahead) {  // the steps around ``step``, most of them on the side the reader is going to
      const steps = this.run.steps, d = Math.max(this.run.duration, 0.001);
      const back = ahead > 0 ? 3 : ahead < 0 ? 15 : 9;
      const lo = steps[Math.max(0, step - back)].t, hi = steps[Math.min(steps.length - 1, step + 18 - back)].t;
      let a = lo, b = hi;
      const minW = Math.min(d, Math.max(2, d * 0.04));
      if (b - a < minW) { const mid = (a + b) / 2; a = mid - minW / 2; b = mid + minW / 2; }
      const pad = (b - a) * 0.12; a = Math.max(0, a - pad); b = Math.min(d, b + pad);
      if (b - a < minW) { if (a === 0) b = Math.min(d, minW); else a = Math.max(0, b - minW); }
      return [a, b];
    }
    setZoom(mode) { this.zoom = mode; this.kept = null; this.show(this.step || 0, this.hide, true); }
    show(step, hide, force) {
      this.step = step; this.hide = !!hide;
      const t = this.opts.timeOf ? this.opts.timeOf(step) : this.run.steps[step].t;
      const [a, b] = this.window(step);
      const d = Math.max(this.run.duration, 0.001);
      this.win.style.left = (100 * a / d) + "%"; this.win.style.width = Math.max(1, 100 * (b - a) / d) + "%";
      this.now.style.left = (100 * Math.min(t, d) / d) + "%";
      for (const btn of this.zoomBar.querySelectorAll("button")) btn.classList.toggle("on", btn.dataset.zoom === this.zoom);
      const want = { cursor: t, hide: this.hide, x0: a, x1: b }, last = this.signals || {};
      if (!this.view) { this.pending = want; return this.ready.then(() => this.view && this.show(this.step, this.hide, force)); }
      const changed = Object.keys(want).filter((k) => last[k] !== want[k]);
      if (!changed.length) return Promise.resolve();
      for (const k of changed) this.view.signal(k, want[k]);
      this.signals = want;
      return this.view.runAsync();
    }
    setDomain(a, b) {
      if (!this.view) return;
      this.view.signal("x0", a).signal("x1", b);
      this.signals = Object.assign({}, this.signals, { x0: a, x1: b });
      this.view.runAsync();
    }
    release() {  // the chart, for the next run this page shows (null while it is still being drawn)
      this.gone = true;
      if (this.observer) this.observer.disconnect();
      const kept = this.view ? { shape: this.shape, view: this.view, chart: this.chart } : null;
      this.view = null;  // the chart is the next owner's (or finalized): never handed out twice
      return kept;
    }
    destroy() { new ChartPool([this.release()]).drain(); }
  }

  // ---------------------------------------------------------------- state of a run at one step
  function statusAt(task, step) {
    let status = null;
    for (const [seq, st] of task.states) { if (seq <= step) status = st; else break; }
    return status;
  }
  function firstSeq(task, wanted) {
    for (const [seq, st] of task.states) if (st === wanted) return seq;
    return null;
  }

  // ---------------------------------------------------------------- one run, every panel
  class RunView {
    constructor(root, doc, run, player, pool) {
      this.doc = doc; this.run = run; this.player = player; this.s = doc.strings;
      this.colors = doc.colors;
      this.root = root;
      const serial = run.mode === "serial";
      this.say = el("div", { class: "s08p-say", "data-testid": "s08-say", "aria-live": "polite" });
      const tl = el("div", { class: "card" });
      this.timeline = new Timeline(tl, run, this.s, this.colors, { pool });
      this.scene = el("div", { class: "s08p-scene", "data-testid": "s08-scene" });
      this.buildScene(serial);
      const main = el("div", { class: "s08p-main" }, tl, this.scene);
      this.codeBox = el("div", { class: "card", "data-testid": "s08-code" });
      this.convoBox = el("div", { class: "card", "data-testid": "s08-conversation" });
      this.buildCode(); this.buildConvo();
      const lower = el("div", { class: "s08p-lower" }, this.codeBox, this.convoBox);
      this.tasksBox = el("div", { class: "card", style: { marginTop: "12px" }, "data-testid": "s08-tasks" });
      if (player.view.compact) {
        const more = el("details", { class: "s08p-more" }, el("summary", { text: this.s.more_panels }), lower,
          serial ? null : this.tasksBox);
        root.append(this.say, main, more);
      } else {
        root.append(...[this.say, main, lower, serial ? null : this.tasksBox].filter(Boolean));
      }
    }

    // -- the scene: the loop, the lock, the queue, the threads
    buildScene(serial) {
      const s = this.s;
      this.loopBox = el("div", { class: "box" });
      this.nodes = {};
      const loop = el("div", { class: "s08p-loop" });
      const order = serial ? ["model", "tools"] : ["drain", "model", "tools"];
      order.forEach((k, i) => {
        if (i) loop.append(el("span", { class: "arrow", text: "→" }));
        this.nodes[k] = el("span", { class: "node", text: s.node[k] });
        loop.append(this.nodes[k]);
      });
      loop.append(el("span", { class: "arrow", text: "↺" }));
      this.nodes.idle = el("span", { class: "node", text: s.node.idle });
      if (!serial) loop.append(this.nodes.idle);
      this.state = el("div", { class: "s08p-state" });
      this.loopBox.append(el("h4", { text: s.main_thread }), loop, this.state);
      this.scene.append(this.loopBox);
      if (serial) {
        this.scene.append(el("div", { class: "box muted", text: s.serial_note }));
        return;
      }
      this.lock = el("div", { class: "s08p-lock", "data-testid": "s08-lock" }, lockIcon(),
        this.lockText = el("span"));
      this.queueBox = el("div", { class: "box", "data-testid": "s08-queue" });
      this.queueTitle = el("h4");
      this.cards = el("div", { class: "s08p-cards" });
      this.queueBox.append(this.queueTitle, this.cards);
      this.threadsBox = el("div", { class: "box" });
      this.threads = el("div", { class: "s08p-threads" });
      this.threadsBox.append(el("h4", { text: s.threads }), this.threads);
      this.scene.append(this.lock, this.queueBox, this.threadsBox);
    }
    laneName(row) { const lane = this.run.lanes[row]; return lane ? lane.name : ""; }
    taskLetter(i) { const t = this.run.tasks[i]; const lane = this.run.lanes[t.row]; return lane && lane.letter ? lane.letter : t.id; }
    card(i, status, taken) {
      const t = this.run.tasks[i];
      return el("span", { class: "s08p-ncard" + (taken ? " taken" : ""), "data-task": t.id, title: t.result },
        fmt(this.s.card, { who: this.taskLetter(i), id: t.id, status: this.s.cat[status] || status }));
    }
    showScene(step) {
      const st = this.run.steps[step], s = this.s;
      const lit = { drain: "drain", model: "model", deciding: "model", tool: "tools", blocked: "tools", idle: "idle",
        start: null, ending: null, done: null }[st.state];
      for (const [k, node] of Object.entries(this.nodes)) node.classList.toggle("lit", k === lit);
      this.state.textContent = fmt(s.main_is, { state: this.run.states[st.state] || st.state });
      this.state.className = "s08p-state " + st.state;
      this.loopBox.classList.toggle("active", st.row === 0);
      if (!this.cards) return;
      // the lock
      if (st.lock === "enqueue") {
        this.lock.classList.add("held");
        this.lockText.textContent = fmt(s.lock_enqueue, { who: this.laneName(st.row) });
      } else if (st.lock === "drain") {
        this.lock.classList.add("held");
        this.lockText.textContent = s.lock_drain;
      } else {
        this.lock.classList.remove("held");
        this.lockText.textContent = s.lock_free;
      }
      // the queue
      const drain = st.drain !== null && st.drain !== undefined ? this.run.drains[st.drain] : null;
      const taking = st.kind === "drain" && drain ? drain.delivered : [];
      const shown = st.kind === "drain" && drain ? drain.before : st.queue;
      // at a drain the queue shows what the drain found there (and takes): the count says the same
      this.queueTitle.textContent = fmt(pl(s.queue_title, shown.length), { n: shown.length });
      const cards = shown.map((i) => [i, statusAt(this.run.tasks[i], step), taking.includes(i)]);
      const sent = st.kind === "inject" && drain && drain.delivered.length ? drain.delivered : null;
      redraw(this.cards, JSON.stringify([cards, sent]), () => {
        for (const [i, status, taken] of cards) this.cards.append(this.card(i, status, taken));
        if (!shown.length) this.cards.append(el("span", { class: "empty", text: s.queue_empty }));
        if (sent) {  // the frame after: where the cards went
          this.cards.append(el("div", { class: "s08p-sent", "data-testid": "s08-sent" }, el("span", { text: s.sent_to_convo + " " }),
            ...sent.map((i) => el("span", { class: "s08p-ncard sent", text: this.taskLetter(i) }))));
        }
      });
      this.queueBox.classList.toggle("active", st.lock !== null && st.lock !== undefined);
      // the threads
      const statuses = this.run.tasks.map((t) => statusAt(t, step));
      redraw(this.threads, statuses.join("|"), () => {
        this.run.tasks.forEach((t, i) => {
          if (!statuses[i]) return;
          const shownStatus = statuses[i] === "spawned" ? "queued" : statuses[i];
          this.threads.append(el("span", { class: "who", text: this.taskLetter(i) }),
            el("span", { class: "what", text: (this.run.lanes[t.row] || {}).full || t.command, title: t.command }),
            el("span", { class: "s08p-chip" + (LIGHT.has(shownStatus) ? " light" : ""),
              style: { background: this.colors[shownStatus] || "#94a3b8" }, text: s.cat[shownStatus] || shownStatus }));
        });
        if (!statuses.some(Boolean)) this.threads.append(el("span", { class: "muted", style: { gridColumn: "1 / -1" }, text: s.threads_none }));
      });
      this.threadsBox.classList.toggle("active", st.row !== 0);
    }

    // -- the code pane
    buildCode() {
      const s = this.s, pane = this.run.code;
      this.codeTabs = el("div", { class: "s08p-tabs" });
      this.codeFile = el("div", { class: "s08p-file" });
      this.codeView = el("div", { class: "s08p-code", role: "region", "aria-label": s.code_title });
      this.codeLines = {}; this.codePanes = {};
      for (const [key, ex] of Object.entries(pane)) {
        const btn = el("button", { "data-tab": key, text: ex.title, on: { click: () => this.openTab(key, true) } });
        this.codeTabs.append(btn);
        this.codeLines[key] = ex.lines.map((l) => el("div", { class: "ln", "data-n": l.n === null ? "" : l.n },
          el("span", { class: "n", text: l.n === null ? "⋯" : String(l.n) }), el("span", { text: l.text || " " })));
        // one pane per tab, all in the page: a tab change hides one and shows another (no line is moved)
        this.codePanes[key] = el("div", { class: "s08p-pane", "data-pane": key, hidden: true }, ...this.codeLines[key]);
        this.codeView.append(this.codePanes[key]);
      }
      this.codeBox.append(el("h4", { text: s.code_title }), this.codeTabs, this.codeFile, this.codeView,
        el("div", { class: "muted", style: { fontSize: "13px", marginTop: "4px" }, text: this.run.code_note || s.code_note }));
      this.tab = null; this.pinned = false;
    }
    openTab(key, byUser) {
      if (byUser) this.pinned = true;
      if (this.tab === key) return;
      if (this.tab) this.codePanes[this.tab].hidden = true;
      this.tab = key;
      this.codePanes[key].hidden = false;
      this.codeFile.textContent = this.run.code[key].file;
      for (const b of this.codeTabs.children) b.classList.toggle("on", b.dataset.tab === key);
    }
    showCode(step) {
      const hits = this.run.steps[step].code || [];
      const byTab = {};
      for (const [key, n] of hits) (byTab[key] = byTab[key] || []).push(n);
      for (const b of this.codeTabs.children) b.classList.toggle("hot", !!byTab[b.dataset.tab]);
      if (hits.length && !this.pinned) this.openTab(hits[0][0]);
      if (!this.tab) this.openTab(Object.keys(this.run.code)[0]);
      const wanted = new Set(byTab[this.tab] || []);
      for (const ln of this.hitLines || []) ln.classList.remove("hit", "first");
      this.hitLines = [];
      const lines = this.codeLines[this.tab] || [];
      let first = -1;
      lines.forEach((ln, i) => {
        if (!wanted.has(Number(ln.dataset.n))) return;
        ln.classList.add("hit");
        if (hits.length && this.tab === hits[0][0] && Number(ln.dataset.n) === hits[0][1]) ln.classList.add("first");
        this.hitLines.push(ln);
        if (first < 0) first = i;
      });
      this.pinned = false;
      // the scroll is read and set after every part has changed the page (one layout per step, not one per part)
      return () => {
        if (first < 0) return;
        const v = this.codeView;
        if (!this.lineH) this.lineH = lines[0].offsetHeight || 18;
        const top = first * this.lineH, height = v.clientHeight;
        if (top < v.scrollTop || top > v.scrollTop + height - 30) v.scrollTop = Math.max(0, top - 60);
      };
    }

    // -- the conversation
    buildConvo() {
      const s = this.s;
      this.convoTitle = el("h4");
      this.convo = el("div", { class: "s08p-convo" });
      this.partEls = []; this.msgEls = [];
      for (const p of this.run.parts) {
        let msg = this.msgEls[p.msg];
        if (!msg) {
          const head = el("div", { class: "who", text: fmt(s.message_head, { n: p.msg + 1, role: s.role[p.role] || p.role }) });
          const call = p.role === "assistant" ? this.run.calls[this.run.steps[p.seq].call] : null;
          if (call) head.append(el("span", { class: "s08p-tokens", text: " · " + fmt(call.estimated ? s.call_tokens_est : s.call_tokens,
            { input: num(call.input), output: num(call.output) }) }));
          msg = el("div", { class: "s08p-msg " + p.role }, head);
          this.msgEls[p.msg] = msg; this.convo.append(msg);
        }
        const text = p.kind === "tool_result" ? "→ " + p.text : p.text;
        const part = el("div", { class: "s08p-part " + p.kind + (p.injected ? " injected" : "") + (p.error ? " error" : ""),
          "data-mark": p.injected ? s.injected : null, text });
        this.partEls.push(part); msg.append(part);
      }
      this.tokenLine = el("div", { class: "muted s08p-tokens-total", style: { fontSize: "13px" }, title: this.run.token_method });
      this.convoBox.append(this.convoTitle, el("div", { class: "muted", style: { fontSize: "13px", marginBottom: "4px" },
        text: s.convo_note }), this.convo, this.tokenLine);
    }
    showConvo(step, prev) {
      const n = this.run.steps[step].parts, before = prev === null ? n : this.run.steps[prev].parts;
      let msgs = 0;
      this.partEls.forEach((part, i) => {
        const on = i < n;
        part.style.display = on ? "" : "none";
        part.classList.toggle("new", on && i >= before && prev !== null && step === prev + 1);
        if (on) msgs = Math.max(msgs, this.run.parts[i].msg + 1);
      });
      this.msgEls.forEach((m, i) => { m.style.display = i < msgs ? "" : "none"; });
      this.convoTitle.textContent = n ? fmt(pl(this.s.convo_title, msgs), { n: msgs }) : this.s.convo_empty;
      const tokens = this.run.steps[step].tokens || [0, 0];
      let calls = 0;
      for (const c of this.run.calls) { if (c.seq <= step) calls += 1; else break; }
      this.tokenLine.textContent = fmt(this.s.tokens_so_far, { calls, input: num(tokens[0]), output: num(tokens[1]) }) +
        (this.run.token_method ? " — " + this.run.token_method : "");
      // the newest messages are laid out at once, so the list can scroll to its true end (the older ones are
      // drawn only when scrolled into view)
      this.msgEls.forEach((m, i) => m.classList.toggle("near", i < msgs && i >= msgs - 6));
      return () => { this.convo.scrollTop = this.convo.scrollHeight; };
    }

    statusWords(task, status) {
      if (status === "killed" && task.killed_by === "model") return this.s.killed_by_model;
      if (status === "killed" && task.killed_by) return fmt(this.s.killed_why, { why: task.killed_by });
      return this.s.cat[status === "spawned" ? "queued" : status] || status;
    }

    // -- the task table and the latest drain
    showTasks(step) {
      if (this.run.mode === "serial") return;
      const s = this.s, t = this.run.steps[step];
      const rows = [];  // each task's cells at this step, as text
      this.run.tasks.forEach((task, i) => {
        const status = statusAt(task, step);
        if (!status) return;
        const started = firstSeq(task, "running"), done = task.states.find(([seq, st]) => seq <= step &&
          !["spawned", "queued", "running"].includes(st));
        const ts = (seq) => (seq === null || seq === undefined || seq > step ? "—" : secs(this.run.steps[seq].t));
        rows.push([this.taskLetter(i), (this.run.lanes[task.row] || {}).full || task.command, this.statusWords(task, status),
          done && task.exit_code !== null && task.exit_code !== undefined ? String(task.exit_code) : "—",
          ts(started), done ? secs(this.run.steps[done[0]].t) : "—", task.delivered !== null && task.delivered <= step ? "✓" : ""]);
      });
      // the drain in focus, before and after, and its exact text
      // this step's own drain (a sub-agent's loop drains too), else the latest one before it
      const current = t.drain !== null && t.drain !== undefined;
      let di = current ? t.drain : -1;
      if (!current) this.run.drains.forEach((x, i) => { if (x.seq <= step && (di < 0 || x.seq >= this.run.drains[di].seq)) di = i; });
      const d = di >= 0 ? this.run.drains[di] : null, injected = !!(d && d.text && d.inject <= step);
      redraw(this.tasksBox, JSON.stringify([rows, di, current, injected]), () => {
        this.tasksBox.append(el("h4", { text: s.tasks_title }));
        if (!rows.length) this.tasksBox.append(el("div", { class: "muted", text: s.tasks_none }));
        else {
          const cls = [null, "mono", null, "num", "num", "num", null];
          const head = el("tr", {}, ...s.task_cols.map((c, k) => el("th", { class: k >= 3 && k <= 5 ? "num" : null, text: c })));
          const body = rows.map((cells) => el("tr", {}, ...cells.map((text, k) => el("td", { class: cls[k], text }))));
          this.tasksBox.append(el("table", { class: "s08p-table" }, el("thead", {}, head), el("tbody", {}, body)));
        }
        const box = el("div", { class: "s08p-drain" });
        if (!d) box.append(el("div", { class: "muted", text: s.no_drain_yet }));
        else {
          box.append(el("h4", { text: fmt(current ? s.drain_now : s.drain_last, { t: secs(d.t), step: d.seq }) }));
          const names = (list) => list.length ? list.map((i) => this.taskLetter(i)).join(", ") : s.none;
          box.append(el("div", { class: "s08p-ba" }, el("div", { text: fmt(s.queue_before, { list: names(d.before) }) }),
            el("div", { text: fmt(s.queue_after, { list: names(d.after) }) })));
          if (injected) box.append(el("div", { class: "muted", text: s.injected_exact }), el("pre", { text: d.text }));
          else if (!d.delivered.length) box.append(el("div", { class: "muted", text: s.drain_empty }));
        }
        this.tasksBox.append(box);
      });
    }

    // -- movement: the notifications travel from the queue into the conversation
    animate(step) {
      const st = this.run.steps[step];
      if (st.kind !== "inject" || !this.cards || window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
      const d = this.run.drains[st.drain];
      const target = this.partEls[st.parts - 1];
      if (!d || !target || !this.lastCardRects) return;
      const to = target.getBoundingClientRect();
      for (const [i, from] of this.lastCardRects) {
        if (!d.delivered.includes(i)) continue;
        const ghost = this.card(i, statusAt(this.run.tasks[i], step), true);
        ghost.classList.add("ghost");
        ghost.style.left = from.left + "px"; ghost.style.top = from.top + "px";
        document.body.append(ghost);
        const dx = to.left + 12 - from.left, dy = to.top + 8 - from.top;
        const anim = ghost.animate([{ transform: "translate(0,0)", opacity: 1 },
          { transform: `translate(${dx}px, ${dy}px)`, opacity: 0.15 }], { duration: 700, easing: "ease-in-out" });
        anim.onfinish = () => ghost.remove();
        setTimeout(() => ghost.remove(), 900);
      }
    }
    rememberCards() {
      if (!this.cards) return;
      this.lastCardRects = [];
      for (const c of this.cards.querySelectorAll(".s08p-ncard")) {
        const i = this.run.tasks.findIndex((t) => t.id === c.dataset.task);
        if (i >= 0) this.lastCardRects.push([i, c.getBoundingClientRect()]);
      }
    }

    show(step, prev, hide) {
      const st = this.run.steps[step];
      this.rememberCards();
      clear(this.say).append(el("span", {}, inline(st.say)));
      const drawn = this.timeline.show(step, hide);
      this.showScene(step);
      const scrolls = [this.showCode(step), this.showConvo(step, prev)];
      this.showTasks(step);
      for (const scroll of scrolls) scroll();
      this.animate(step);
      return drawn;
    }
    release() { return [this.timeline.release()]; }
  }

  // ---------------------------------------------------------------- the controls and one player
  class Player {
    constructor(root, doc, opts) {
      this.root = root; this.doc = doc; this.opts = opts || {};
      this.s = doc.strings;
      this.view = doc.view || {};
      this.mode = this.view.mode && doc.runs[this.view.mode] ? this.view.mode : Object.keys(doc.runs).slice(-1)[0];
      this.limit = this.view.limit === undefined ? null : this.view.limit;
      this.hide = !!this.view.hide;
      this.step = 0; this.prev = null; this.timer = null; this.speed = 1;
      this.wrap = el("div", { class: "s08p", "data-testid": "s08-player" });
      root.append(this.wrap);
      this.build();
      this.go(this.clamp(this.view.step || 0), true);
      if (this.view.keys !== false) this.bindKeys();
      this.ro = new ResizeObserver(() => this.wrap.classList.toggle("narrow", this.wrap.clientWidth < 900));
      this.ro.observe(this.wrap);
    }
    get run() { return this.doc.runs[this.mode]; }
    last() { return this.limit === null ? this.run.steps.length - 1 : Math.min(this.limit, this.run.steps.length - 1); }
    clamp(step) { return Math.max(0, Math.min(this.last(), Math.round(Number(step) || 0))); }
    build() {
      const s = this.s;
      clear(this.wrap);
      const pool = this.runView ? new ChartPool(this.runView.release()) : this.opts.pool || new ChartPool();
      const bar = el("div", { class: "s08p-bar", "data-testid": "s08-controls" });
      const b = (key, label, fn, title, primary) => {
        const btn = el("button", { "data-key": key, class: primary ? "primary" : null, title, text: label, on: { click: fn } });
        bar.append(btn); return btn;
      };
      this.btn = {};
      this.btn.first = b("first", s.first, () => this.go(0), s.key_first);
      this.btn.back = b("back", s.back, () => this.go(this.step - 1), s.key_back);
      this.btn.next = b("next", s.next, () => this.go(this.step + 1), s.key_next, true);
      this.btn.lastb = b("last", s.last, () => this.go(this.last()), s.key_last);
      if (this.run.mode !== "serial") {
        bar.append(el("span", { class: "sep" }));
        this.btn.prevDrain = b("prev-drain", s.prev_drain, () => this.go(this.drainStep(-1)), s.key_prev_drain);
        this.btn.nextDrain = b("next-drain", s.next_drain, () => this.go(this.drainStep(1)), s.key_next_drain);
      }
      bar.append(el("span", { class: "sep" }));
      this.btn.play = b("play", s.play, () => this.togglePlay(), s.key_play);
      this.speedSel = el("select", { "aria-label": s.speed, on: { change: () => { this.speed = Number(this.speedSel.value); if (this.timer) { this.stop(); this.play(); } } } },
        ...[0.5, 1, 2, 4].map((v) => el("option", { value: v, selected: v === this.speed, text: fmt(s.speed_x, { x: v }) })));
      bar.append(this.speedSel);
      const modes = Object.keys(this.doc.runs);
      if (modes.length > 1 && this.view.kind !== "lesson") {
        const h = el("span", { class: "s08p-harness", role: "group", "aria-label": s.harness });
        for (const m of ["serial", "parallel"].filter((x) => modes.includes(x))) {
          h.append(el("button", { "data-mode": m, class: m === this.mode ? "on" : null, text: s.mode[m],
            on: { click: () => this.setMode(m) } }));
        }
        bar.append(el("span", { class: "sep" }), h);
      }
      this.where = el("span", { class: "where", "data-testid": "s08-where" });
      bar.append(this.where);
      this.slider = el("input", { type: "range", min: 0, max: this.last(), value: this.step, class: "s08p-slider",
        "aria-label": s.slider, on: { input: () => this.go(Number(this.slider.value)) } });
      this.frozen = el("div", { class: "s08p-frozen", "data-testid": "s08-frozen" });
      this.wrap.append(bar, this.slider, this.frozen);
      const body = el("div");
      this.wrap.append(body);
      this.runView = new RunView(body, this.doc, this.run, this, pool);
      if (pool !== this.opts.pool) pool.drain();
    }
    setMode(mode) {
      if (mode === this.mode || !this.doc.runs[mode]) return;
      const t = this.run.steps[this.step].t;
      this.mode = mode;
      this.build();
      let step = 0;
      this.run.steps.forEach((st, i) => { if (st.t <= t + 1e-9) step = i; });
      this.prev = null;
      this.go(this.clamp(step), true);
      if (this.opts.onMode) this.opts.onMode(mode);
    }
    drainStep(dir) {
      const drains = this.run.drains.filter((d) => d.delivered.length);
      if (dir > 0) { const d = drains.find((x) => x.seq > this.step); return d ? d.seq : this.step; }
      const back = drains.filter((x) => x.seq < this.step); return back.length ? back[back.length - 1].seq : this.step;
    }
    go(step, initial) {
      step = this.clamp(step);
      const prev = initial ? null : this.step;
      if (!initial && step === this.step) return;
      this.step = step;
      this.rendered = this.runView.show(step, prev, this.hide);
      const last = this.last(), s = this.s, total = this.run.steps.length - 1;
      this.where.textContent = fmt(s.where, { step, total, t: secs(this.run.steps[step].t) });
      this.slider.max = last; this.slider.value = step;
      this.btn.first.disabled = this.btn.back.disabled = step <= 0;
      this.btn.next.disabled = this.btn.lastb.disabled = step >= last;
      if (this.btn.nextDrain) {
        this.btn.nextDrain.disabled = this.drainStep(1) === step || this.drainStep(1) > last;
        this.btn.prevDrain.disabled = this.drainStep(-1) === step;
      }
      // once answered, the line stays where it was and says the run is open (what is below it does not move up)
      const shut = this.limit !== null;
      this.frozen.style.display = shut || this.opened ? "" : "none";
      this.frozen.classList.toggle("open", !shut && !!this.opened);
      this.frozen.textContent = shut ? fmt(s.frozen, { step: this.limit }) : this.opened ? s.opened : "";
      if (step >= last) this.stop();
      if (this.opts.onStep) this.opts.onStep(step, this.mode);
    }
    play() {
      if (this.step >= this.last()) this.go(0);
      this.btn.play.textContent = this.s.pause; this.btn.play.classList.add("on");
      this.timer = setInterval(() => { if (this.step >= this.last()) this.stop(); else this.go(this.step + 1); }, 1000 / this.speed);
    }
    stop() { if (this.timer) clearInterval(this.timer); this.timer = null; if (this.btn.play) { this.btn.play.textContent = this.s.play; this.btn.play.classList.remove("on"); } }
    togglePlay() { if (this.timer) this.stop(); else this.play(); }
    setLimit(limit, hide) {
      if (this.limit !== null && limit === null) this.opened = true;
      this.limit = limit; this.hide = !!hide; this.go(this.clamp(this.step), true);
    }
    bindKeys() {
      this.onKey = (e) => {
        const tag = (e.target && e.target.tagName) || "";
        if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) && e.target.type !== "range") return;
        if (e.target && e.target.isContentEditable) return;
        if (!this.wrap.isConnected || e.altKey || e.ctrlKey || e.metaKey) return;
        let to = null;
        if (e.key === "ArrowRight") to = e.shiftKey && this.btn.nextDrain ? this.drainStep(1) : this.step + 1;
        else if (e.key === "ArrowLeft") to = e.shiftKey && this.btn.prevDrain ? this.drainStep(-1) : this.step - 1;
        else if (e.key === "Home") to = 0;
        else if (e.key === "End") to = this.last();
        else if (e.key === "p" || e.key === "P") { e.preventDefault(); this.togglePlay(); return; }
        if (to === null) return;
        e.preventDefault(); e.stopPropagation();
        this.stop(); this.go(to);
      };
      document.addEventListener("keydown", this.onKey, true);
    }
    release() {  // stop, and hand over the charts (see ChartPool)
      this.stop();
      if (this.onKey) document.removeEventListener("keydown", this.onKey, true);
      this.ro.disconnect();
      return this.runView ? this.runView.release() : [];
    }
    destroy() { new ChartPool(this.release()).drain(); }
  }

  // ---------------------------------------------------------------- two runs on one time axis
  class Compare {
    constructor(root, doc, opts) {
      this.root = root; this.doc = doc; this.s = doc.strings; this.opts = opts || {};
      this.wrap = el("div", { class: "s08p", "data-testid": "s08-compare" });
      root.append(this.wrap);
      const runs = ["serial", "parallel"].filter((m) => doc.runs[m]);
      this.end = Math.max(...runs.map((m) => doc.runs[m].duration), 0.001);
      this.times = [...new Set(runs.flatMap((m) => doc.runs[m].steps.map((st) => st.t)))].sort((a, b) => a - b);
      const bar = el("div", { class: "s08p-bar" });
      const b = (label, fn) => { const x = el("button", { text: label, on: { click: fn } }); bar.append(x); return x; };
      this.i = 0;
      b(this.s.back, () => this.go(this.i - 1)); const nx = b(this.s.next_moment, () => this.go(this.i + 1)); nx.className = "primary";
      this.where = el("span", { class: "where" }); bar.append(this.where);
      this.slider = el("input", { type: "range", min: 0, max: this.times.length - 1, value: 0, class: "s08p-slider",
        "aria-label": this.s.slider_time, on: { input: () => this.go(Number(this.slider.value)) } });
      this.wrap.append(bar, this.slider);
      this.lines = {};
      this.timelines = {};
      for (const m of runs) {
        const run = doc.runs[m];
        const box = el("div", { class: "card s08p-run", "data-testid": "s08-run-" + m });
        const head = el("div", { class: "s08p-runhead" }, el("h3", { text: fmt(this.s.run_head[m], {}) }),
          el("span", { class: "fig", text: fmt(this.s.run_total, { t: secs(run.duration) }) }));
        this.lines[m] = el("div", { class: "s08p-runstate" });
        const tl = el("div");
        box.append(head, this.lines[m], tl);
        this.wrap.append(box);
        const stepAt = (t) => { let k = 0; run.steps.forEach((st, i) => { if (st.t <= t + 1e-9) k = i; }); return k; };
        this.timelines[m] = { tl: new Timeline(tl, Object.assign({}, run, { duration: this.end }), this.s, doc.colors,
          { zoom: "whole", compact: true, timeOf: () => this.t, pool: this.opts.pool }), run, stepAt };
      }
      const t0 = this.opts.t !== undefined ? this.opts.t : (doc.view && doc.view.t) || 0;
      this.wrap.append(legend(doc.runs.parallel ? "parallel" : runs[0], this.s, doc.colors));
      this.go(this.indexOf(t0));
    }
    indexOf(t) { let k = 0; this.times.forEach((x, i) => { if (x <= t + 1e-9) k = i; }); return k; }
    go(i) {
      this.i = Math.max(0, Math.min(this.times.length - 1, i));
      this.t = this.times[this.i];
      this.slider.value = this.i;
      this.where.textContent = fmt(this.s.at_time, { t: secs(this.t) });
      const shown = [];
      for (const [m, x] of Object.entries(this.timelines)) {
        const k = x.stepAt(this.t), st = x.run.steps[k];
        shown.push(x.tl.show(k, false));
        clear(this.lines[m]).append(...inline(fmt(this.s.compare_state, { state: x.run.states[st.state] || st.state, say: st.say })));
      }
      this.rendered = Promise.all(shown);  // both charts show this moment
      if (this.opts.onTime) this.opts.onTime(this.t);
    }
    release() { return Object.values(this.timelines).map((x) => x.tl.release()); }
    destroy() { new ChartPool(this.release()).drain(); }
  }

  // ---------------------------------------------------------------- lessons: question first, then the reveal
  class Lesson {
    constructor(root, doc, opts) {
      this.root = root; this.doc = doc; this.s = doc.strings; this.opts = opts || {};
      this.chapters = doc.course.chapters;
      this.index = Math.max(0, this.chapters.findIndex((c) => c.id === (doc.view.lesson || this.chapters[0].id)));
      this.answers = {};
      this.wrap = el("div", { class: "s08p s08p-lesson", "data-testid": "s08-lesson" });
      root.append(this.wrap);
      this.show();
      this.bindKeys();
    }
    chapter() { return this.chapters[this.index]; }
    nav() {
      const s = this.s, n = this.index;
      const prev = el("button", { "data-key": "prev-lesson", text: s.prev_lesson, disabled: n === 0, on: { click: () => this.open(n - 1) } });
      const next = el("button", { "data-key": "next-lesson", class: "primary", text: s.next_lesson,
        disabled: n === this.chapters.length - 1, on: { click: () => this.open(n + 1) } });
      return el("div", { class: "s08p-nav" }, prev,
        el("span", { class: "s08p-progress", text: fmt(s.lesson_of, { n: n + 1, total: this.chapters.length }) }), next);
    }
    open(i) {
      this.index = Math.max(0, Math.min(this.chapters.length - 1, i));
      this.show();
      if (this.opts.onLesson) this.opts.onLesson(this.chapter().id);
      this.wrap.scrollIntoView({ block: "start" });
    }
    show() {
      const pool = this.players ? new ChartPool(this.players.flatMap((p) => p.release())) : this.opts.pool || new ChartPool();
      this.players = [];
      const c = this.chapter(), s = this.s;
      clear(this.wrap).append(this.nav(), el("h2", { text: c.title }), markdown(c.body));
      this.pool = pool;
      for (const q of c.questions) this.wrap.append(this.question(c, q));
      this.pool = null;
      if (pool !== this.opts.pool) pool.drain();
      if (c.lab) this.wrap.append(this.lab(c.lab));
      this.takeaway = el("div", { class: "s08p-take", style: { display: this.allAnswered(c) ? "" : "none" } },
        el("strong", { text: s.takeaway + " " }), c.takeaway);
      this.wrap.append(this.takeaway);
      if (this.doc.view.viewer && c.links && c.links.length) {
        const lang = new URLSearchParams(window.location.search).get("lang");
        const list = el("ul", { class: "s08p-links" });
        for (const link of c.links) {
          const q = new URLSearchParams({ scenario: link.scenario, mode: link.mode, step: link.step });
          if (lang) q.set("lang", lang);
          list.append(el("li", {}, el("a", { href: this.doc.view.viewer + "?" + q.toString(), target: "_self",
            "data-step": link.step, text: fmt(s.link_step, { caption: link.caption, step: link.step }) })));
        }
        this.wrap.append(el("h4", { style: { marginTop: "12px" }, text: s.open_in_viewer }), list);
      }
      this.wrap.append(this.nav());
    }
    allAnswered(c) { return c.questions.every((q) => this.answers[c.id + "/" + q.key] !== undefined); }
    question(c, q) {
      const s = this.s, key = c.id + "/" + q.key;
      const box = el("div", { class: "s08p-q", "data-question": q.key });
      box.append(el("div", { class: "ask" }, inline(q.text)), el("div", { class: "where" }, inline(q.where)));
      const opts = el("div", { class: "s08p-opts" });
      const feedback = el("div", { class: "s08p-feedback", style: { display: "none" }, "aria-live": "polite" });
      const reveal = el("div", { class: "s08p-reveal", style: { display: "none" } });
      const host = el("div");
      const docRun = { strings: this.doc.strings, colors: this.doc.colors, runs: { [q.run]: this.doc.runs[q.run] },
        view: { kind: "lesson", mode: q.run, step: q.ask, limit: q.ask, hide: true, keys: false, compact: true } };
      const player = new Player(host, docRun, { pool: this.pool });
      this.players.push(player);
      const answer = (opt, btn) => {
        this.answers[key] = opt.value;
        for (const b of opts.children) b.classList.remove("picked", "right", "wrong");
        btn.classList.add("picked", opt.value === q.answer ? "right" : "wrong");
        feedback.className = "s08p-feedback " + (opt.value === q.answer ? "right" : "wrong");
        feedback.style.display = "";
        const verdict = opt.value === q.answer ? s.right : s.not_quite;  // no space after a full-width stop (zh, ja)
        clear(feedback).append(el("strong", { text: verdict + (/[。！？]$/.test(verdict) ? "" : " ") }), ...inline(opt.feedback));
        reveal.style.display = "";
        player.setLimit(null, false);
        player.go(q.reveal);
        if (this.allAnswered(c)) this.takeaway.style.display = "";
        if (this.opts.onAnswer) this.opts.onAnswer(c.id, q.key, opt.value);
      };
      for (const opt of q.options) {
        const btn = el("button", { "data-option": opt.value }, inline(opt.label));
        btn.addEventListener("click", () => answer(opt, btn));
        opts.append(btn);
      }
      reveal.append(el("h4", { text: s.what_happened }), markdown(q.explain));
      if (q.facts && q.facts.length) {
        reveal.append(el("table", { class: "s08p-table s08p-facts" }, el("tbody", {},
          q.facts.map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { text: v }))))));
      }
      if (q.code) reveal.append(el("div", { class: "muted", text: s.injected_exact }), el("pre", { class: "mono", text: q.code }));
      box.append(host, el("div", { class: "ask", style: { marginTop: "10px" }, text: s.your_answer }), opts, feedback, reveal);
      return box;
    }
    lab(lab) {
      return new Lab(lab, this.s).root;
    }
    bindKeys() {
      this.onKey = (e) => {
        const tag = (e.target && e.target.tagName) || "";
        if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || e.altKey || e.ctrlKey || e.metaKey || !this.wrap.isConnected) return;
        const p = this.players[this.players.length - 1];
        if (!p) return;
        let to = null;
        if (e.key === "ArrowRight") to = p.step + 1; else if (e.key === "ArrowLeft") to = p.step - 1;
        if (to === null) return;
        e.preventDefault(); p.go(to);
      };
      document.addEventListener("keydown", this.onKey, true);
    }
    release() { document.removeEventListener("keydown", this.onKey, true); return (this.players || []).flatMap((p) => p.release()); }
    destroy() { new ChartPool(this.release()).drain(); }
  }

  // ---------------------------------------------------------------- the lock lab: you choose the interleaving
  class Lab {
    constructor(lab, strings) {
      this.lab = lab; this.s = strings;
      this.root = el("div", { class: "card", style: { marginTop: "12px" }, "data-testid": "s08-lab" });
      this.locked = false;
      this.reset();
    }
    reset() { this.path = []; this.render(); }
    node() { return this.lab.nodes[(this.locked ? "L" : "U") + this.path.join("")]; }
    render() {
      const s = this.s, lab = this.lab, n = this.node();
      const choose = (locked, label) => el("button", { class: this.locked === locked ? "on" : null, "aria-pressed": String(this.locked === locked),
        "data-lock": locked ? "on" : "off", text: label, on: { click: () => { if (this.locked !== locked) { this.locked = locked; this.reset(); } } } });
      const toggle = el("span", { class: "s08p-harness", role: "group" }, choose(false, lab.words.without_lock), choose(true, lab.words.with_lock));
      const threads = el("div", { class: "s08p-lab" });
      for (const who of ["worker", "loop"]) {
        const ops = lab.ops[this.locked ? "locked" : "unlocked"][who];
        const box = el("div", { class: "thread" }, el("h4", { text: lab.words[who] }));
        ops.forEach((op, i) => {
          const done = i < n.pc[who], next = i === n.pc[who];
          box.append(el("div", { class: "op" + (done ? " done" : "") + (next ? (n.blocked === who ? " waits" : " next") : ""), text: op }));
        });
        const can = n.moves.includes(who);
        box.append(el("button", { class: can ? "primary" : null, disabled: !can, text: lab.words["step_" + who],
          on: { click: () => { this.path.push(who[0]); this.render(); } } }));
        if (n.blocked === who) box.append(el("div", { class: "muted", text: lab.words.waits_for_lock }));
        threads.append(box);
      }
      const state = el("div", { class: "s08p-labstate" },
        el("div", { text: fmt(lab.words.queue_now, { q: n.queue.length ? n.queue.join(", ") : lab.words.empty }) }),
        el("div", { text: fmt(lab.words.delivered_now, { d: n.delivered.length ? n.delivered.join(", ") : lab.words.nothing }) }));
      threads.append(state);
      clear(this.root).append(el("h3", { text: lab.words.title }), markdown(lab.words.intro), el("div", { style: { margin: "6px 0" } }, toggle,
        " ", el("button", { text: lab.words.again, on: { click: () => this.reset() } })), threads);
      if (n.outcome) this.root.append(el("div", { class: "s08p-outcome " + (n.outcome === "lost" ? "lost" : "ok"),
        "data-outcome": n.outcome, text: lab.words["outcome_" + n.outcome] }));
    }
  }

  // ---------------------------------------------------------------- entry point
  function mount(element, doc, opts) {
    const pool = new ChartPool(element.__s08 ? element.__s08.release() : []);
    clear(element);
    const kind = (doc.view && doc.view.kind) || "viewer";
    const o = Object.assign({}, opts, { pool });
    const ctl = kind === "compare" ? new Compare(element, doc, o) : kind === "course" ? new Lesson(element, doc, o)
      : new Player(element, doc, o);
    pool.drain();  // the charts the new page did not take
    element.__s08 = ctl;
    return ctl;
  }

  window.S08Player = { mount, markdown, version: 1 };
})();
