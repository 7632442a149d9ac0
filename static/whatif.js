// The Compare page's What-if controls, drawn in the browser (a Streamlit component in the sidebar).
// A change asks the server's What-if route for the changed runs and hands them to the player at once;
// then it tells the page (a state value), whose rerun brings its figures, its verdict and the address.
// Without the route (an app started without server.py), the rerun alone redraws the page.

function el(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...kids.filter((x) => x !== null && x !== undefined));
  return node;
}

function playerHost() {  // the Compare page's player: the element its loader mounted it in
  const shown = document.querySelector("[data-testid='s08-compare']");
  let node = shown && shown.parentElement;
  while (node && !node.__s08show) node = node.parentElement;
  return node;
}

let lastSeq = 0;
function nextSeq() {  // increasing for the whole page, across scenarios and languages (the page keeps the last one)
  lastSeq = Math.max(Date.now(), lastSeq + 1);
  return lastSeq;
}

class Controls {
  constructor(root, data, pick) {
    this.root = el("div"); this.pick = pick || 0;
    root.append(this.root);  // its own box: the component's stylesheet sits beside it
    this.take(data);
  }
  update(data) {  // the page ran again: take its values only if it changed them itself (a reset, a link)
    if (data.reset !== this.data.reset || (data.seq >= this.seq && JSON.stringify(data.values) !== this.known)) this.take(data);
    else this.data = data;  // an older change's rerun, or this change's echo: the controls are ahead of it
  }
  take(data) {  // the page's values: draw them, and forget a change still on its way
    this.seq = Math.max(nextSeq(), data.seq || 0);
    this.data = data;
    this.values = JSON.parse(JSON.stringify(data.values));
    this.known = JSON.stringify(data.values);
    if (this.pick >= data.commands.length) this.pick = 0;
    this.draw();
  }
  number(field, label, value, limits, onCommit, help) {
    const id = "wi-" + field;
    const box = el("input", { id, type: "number", inputMode: "decimal", value: String(value), min: String(limits.min),
      max: String(limits.max), step: String(limits.step), "data-field": field });
    const put = () => {
      let v = Number(box.value);
      if (box.value.trim() === "" || !Number.isFinite(v)) { box.value = String(value); return; }
      v = Math.min(limits.max, Math.max(limits.min, limits.whole ? Math.round(v) : v));
      box.value = String(v);
      if (v !== value) { value = v; onCommit(v); }
    };
    box.addEventListener("change", put);
    box.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); put(); } });
    return el("div", { class: "wi-field" }, el("label", { for: id, text: label, title: help || null }), box,
      help ? el("div", { class: "wi-help", text: help }) : null);
  }
  choice(field, legend, options, value, onCommit) {
    const group = el("fieldset", { class: "wi-choice", "data-field": field }, el("legend", { text: legend }));
    for (const [key, label] of options) {
      const input = el("input", { type: "radio", name: "wi-" + field, id: "wi-" + field + "-" + key, value: key, checked: key === value,
        on: { change: () => { if (input.checked) onCommit(key); } } });
      group.append(el("label", {}, input, el("span", { text: label })));
    }
    return group;
  }
  draw() {
    const d = this.data, w = d.words, v = this.values, s = v.settings;
    const parts = [];
    if (d.commands.length) {
      const pick = el("select", { id: "wi-cmd", "data-field": "command",
        on: { change: () => { this.pick = Number(pick.value); this.draw(); } } },
      ...d.commands.map((c, i) => el("option", { value: String(i), selected: i === this.pick, text: c.length > 60 ? c.slice(0, 59) + "…" : c })));
      const cmd = d.commands[this.pick], now = v.commands[cmd];
      const set = (field) => (x) => { v.commands[cmd][field] = x; this.commit(); };
      parts.push(el("div", { class: "wi-field" }, el("label", { for: "wi-cmd", text: w.command }), pick),
        el("div", { class: "wi-row" },
          this.number("duration_s", w.duration, now.duration_s, { min: 0, max: 86400, step: 5 }, set("duration_s")),
          this.number("exit_code", w.exit_code, now.exit_code, { min: -255, max: 255, step: 1, whole: true }, set("exit_code"))),
        this.number("output_bytes", w.output_bytes, now.output_bytes, { min: 0, max: 1e9, step: 1000, whole: true }, set("output_bytes")));
    }
    const setting = (key, from) => (x) => { s[key] = from ? from(x) : x; this.commit(); };
    parts.push(el("div", { class: "wi-row" },
      this.number("model_latency_s", w.latency, s.model_latency_s, { min: 0, max: 3600, step: 0.1 }, setting("model_latency_s"), w.latency_help),
      this.number("max_concurrent", w.concurrency, s.max_concurrent || 0, { min: 0, max: d.most_concurrent, step: 1, whole: true },
        setting("max_concurrent", (x) => x || null), w.concurrency_help)),
    this.choice("drain_policy", w.drain, d.policies, s.drain_policy, setting("drain_policy")),
    this.choice("notification_shape", w.shape, d.shapes, s.notification_shape, setting("notification_shape")));
    const waits = el("input", { type: "checkbox", id: "wi-waits", checked: !!s.end_turn_waits, "data-field": "end_turn_waits",
      on: { change: () => setting("end_turn_waits")(waits.checked) } });
    parts.push(el("div", { class: "wi-check" }, waits, el("label", { for: "wi-waits", text: w.waits }),
      el("div", { class: "wi-help", text: w.waits_help })));
    const focused = this.root.querySelector(":focus");
    const again = focused && focused.id;
    this.root.replaceChildren(el("form", { class: "wi", "data-testid": "s08-whatif", on: { submit: (e) => e.preventDefault() } }, ...parts));
    if (again) { const x = this.root.querySelector("#" + again); if (x) x.focus(); }
  }
  async commit() {
    const seq = this.seq = nextSeq(), values = JSON.parse(JSON.stringify(this.values));
    this.known = JSON.stringify(values);
    const host = playerHost();
    if (host && this.data.route) {
      try {
        const answer = await fetch(new URL(this.data.route, document.baseURI), { method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ token: this.data.token, values, lang: this.data.lang }) });
        if (answer.ok) {
          const runs = await answer.text();
          if (seq === this.seq && !this.gone) {
            host.__s08show(runs, seq);
            const url = new URL(window.location.href), changes = answer.headers.get("X-S08-Changes");
            if (changes) url.searchParams.set("changes", changes); else url.searchParams.delete("changes");
            window.history.replaceState(window.history.state, "", url.toString());
          }
        }
      } catch (err) { /* no route here (or it failed): the page's rerun below redraws the player */ }
    }
    if (seq === this.seq && !this.gone) this.send({ seq, token: this.data.token, values });
  }
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  let ui = parentElement.__wi;
  if (!ui || ui.data.token !== data.token || ui.data.lang !== data.lang) {
    const pick = ui && ui.data.token === data.token ? ui.pick : 0;  // another language: the same command stays picked
    if (ui) { ui.gone = true; ui.root.remove(); }
    ui = parentElement.__wi = new Controls(parentElement, data, pick);
  } else {
    ui.update(data);
  }
  ui.send = (value) => setStateValue("values", value);
}
