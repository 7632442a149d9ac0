// The viewer's list of scenarios, without waiting for the page's rerun (part of the player's loader, ui/player.py).
// When the reader picks another bundled run in the sidebar's list, the run's document comes from the server's
// viewer route (ui/viewer_route.py) and is drawn at once, with the page's heading and caption; the page's rerun
// follows and finds that document drawn already. The entry the reader is on (hovered, or focused by typing or the
// arrow keys) is asked for before it is picked. Anything unexpected leaves the work to the rerun.

const switching = { host: null, conf: null, seq: 0, ready: new Map() };

function textNodes(node) {
  const out = [], walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) if (walk.currentNode.nodeValue) out.push(walk.currentNode);
  return out;
}

function retext(node, now, bold) {  // new words in the node's text pieces, if it has the shape the page draws
  const texts = node ? textNodes(node) : [], next = now.filter(Boolean);
  if (texts.length !== next.length || (bold !== undefined && (!texts[bold] || texts[bold].parentNode.tagName !== "STRONG"))) return;
  texts.forEach((t, i) => { if (t.nodeValue !== next[i]) t.nodeValue = next[i]; });  // React keeps these nodes
}

function retitle(head) {  // the page's heading and caption say what the rerun will make them say
  const main = document.querySelector("[data-testid='stMain']");
  if (!main) return;
  retext(main.querySelector("[data-testid='stHeading'] h1 [data-heading-text]"), [head.title]);
  retext(main.querySelector("[data-testid='stCaptionContainer']"), head.caption, head.caption[0] ? 1 : 0);
}

function load(name) {  // the run's document and the page's head for it, asked for once (a pick often follows a look)
  const shown = switching.host && switching.host.__s08, lang = switching.conf.lang, mode = (shown && shown.mode) || "";
  const key = [name, lang, mode].join("|");
  let got = switching.ready.get(key);
  if (!got) {
    const url = new URL(switching.conf.route, document.baseURI);
    url.search = new URLSearchParams({ name, lang, mode }).toString();
    got = fetch(url, { headers: { accept: "application/json" } }).then(async (res) => {
      const head = res.ok && JSON.parse(decodeURIComponent(res.headers.get("X-S08-Head") || "null"));
      if (!head) throw new Error(String(res.status));
      return { head, runs: await res.text() };
    });
    got.catch(() => switching.ready.delete(key));
    switching.ready.set(key, got);
    while (switching.ready.size > 6) switching.ready.delete(switching.ready.keys().next().value);
  }
  return got;
}

function wanted(title) {  // the bundled run an entry of the list names, unless it is the one shown
  const { host, conf } = switching, name = conf && conf.names[title];
  return host && host.isConnected && host.__s08switch && name && name !== conf.name ? name : null;
}

function look(title) {  // the reader is on an entry: have its run ready
  const name = wanted(title);
  if (name) load(name).catch(() => {});
}

function switchTo(title) {
  const name = wanted(title), host = switching.host;
  if (!name) return;
  const seq = ++switching.seq;
  load(name).then(({ head, runs }) => {
    const now = switching.conf;  // the page may have drawn this run itself meanwhile (its rerun came first)
    if (seq !== switching.seq || !now || host !== switching.host || !host.isConnected || now.name === name) return;
    const next = Object.assign({}, now, { name, title: head.title, caption: head.caption });
    host.__s08switch(runs, { kind: "viewer", mode: head.mode, step: 0, switch: next });
    retitle(head);
    switching.conf = next;
  }).catch(() => {});  // no route (an app started without server.py) or no network: the rerun draws it
}

function listInput(target) {  // the viewer's list of scenarios, if the event is in it
  return target instanceof Element ? target.closest(".st-key-scenario [role='combobox']") : null;
}

function onKey(event) {
  const input = listInput(event.target);
  if (event.key !== "Enter" || !input || input.getAttribute("aria-expanded") !== "true") return;
  const option = document.getElementById(input.getAttribute("aria-activedescendant") || "");
  if (option && option.getAttribute("role") === "option") switchTo(option.textContent);
}

function scenarioList() {  // the open list of the viewer's scenario picker, or null
  const input = document.querySelector(".st-key-scenario [role='combobox']"), id = input && input.getAttribute("aria-controls");
  return id ? document.getElementById(id) : null;
}

function onPointer(event) {  // the list picks on the main button only
  if (event.button !== 0 || !event.isPrimary) return;
  const option = event.target instanceof Element ? event.target.closest("[role='option']") : null;
  if (option && option.closest("[role='listbox']") === scenarioList()) switchTo(option.textContent);
}

function onLook(event) {
  const option = event.target instanceof Element ? event.target.closest("[role='option']") : null;
  if (option && option.closest("[role='listbox']") === scenarioList()) look(option.textContent);
}

function onFocus(changes) {  // the list's focused entry moved (typing filters it, arrows move it)
  for (const change of changes) {
    const input = listInput(change.target), id = input && input.getAttribute("aria-activedescendant");
    const option = id && document.getElementById(id);
    if (option && option.getAttribute("role") === "option") look(option.textContent);
  }
}

function watchSwitch(host, conf) {  // the page's player and the list it answers to (called on every mount)
  if (!conf) {  // a file, a run from another page, or another page's player: the list does not decide here
    if (switching.conf) { switching.conf = null; switching.seq += 1; }
    return;
  }
  if (!switching.host) {  // once per page: before the list's own handlers, which start the rerun
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("pointerup", onPointer, true);
    document.addEventListener("pointerover", onLook, true);
    new MutationObserver(onFocus).observe(document.body, { subtree: true, attributes: true,
                                                          attributeFilter: ["aria-activedescendant"] });
  }
  const was = switching.conf;  // another run or language drawn by the page: a pick still on its way is stale
  if (host !== switching.host || !was || was.name !== conf.name || was.lang !== conf.lang) switching.seq += 1;
  switching.host = host;
  switching.conf = conf;
}
