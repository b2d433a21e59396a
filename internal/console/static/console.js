// zcrm console: a little progressive JavaScript. Every page works without it; with it the org
// switcher submits on change, destructive forms ask first, and the journal page tails the journal.
"use strict";
document.documentElement.classList.add("js");

document.addEventListener("change", (e) => {
  if (e.target.matches("select[data-autosubmit]") && e.target.value) e.target.form.submit();
});
document.addEventListener("submit", (e) => {
  const msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
});

// The journal tail: polls /console/journal/entries for entries newer than the newest shown.
(function () {
  const rows = document.getElementById("journal-rows");
  if (!rows) return;
  const form = document.getElementById("journal-filters");
  const state = document.getElementById("journal-state");
  const pause = document.getElementById("j-pause");
  const entries = new Map();
  let after = 0, paused = false, timer = 0;

  function query() {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    p.set("limit", "200");
    if (after) p.set("after", String(after));
    return p.toString();
  }
  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }
  function add(list) {
    // list is newest first: insert oldest first at the top
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      entries.set(e.id, e);
      const tr = document.createElement("tr");
      tr.className = "clickable";
      tr.tabIndex = 0;
      tr.dataset.id = e.id;
      tr.setAttribute("aria-label", e.method + " " + e.path + " " + e.status);
      cell(tr, e.time.slice(11, 23));
      cell(tr, e.method);
      cell(tr, e.path + (e.query ? "?" + e.query : ""), "mono");
      cell(tr, String(e.status) + (e.code ? " " + e.code : "") + (e.faulted ? " (fault)" : ""));
      cell(tr, e.duration_ms.toFixed(1));
      cell(tr, e.org_id || "");
      rows.insertBefore(tr, rows.firstChild);
      after = Math.max(after, Number(e.id));
    }
    while (rows.children.length > 500) rows.removeChild(rows.lastChild);
  }
  async function poll() {
    clearTimeout(timer);
    if (!paused) {
      try {
        const res = await fetch("/console/journal/entries?" + query(), { headers: { Accept: "application/json" }, credentials: "same-origin" });
        const body = await res.json();
        if (res.ok && body.message) {
          state.textContent = body.message;
        } else if (res.ok) {
          add(body.requests);
          state.textContent = "Live: " + rows.children.length + " shown, newest first.";
        } else {
          state.textContent = body.message || "The journal could not be read.";
        }
      } catch (err) {
        state.textContent = "The journal could not be reached; trying again.";
      }
    }
    timer = setTimeout(poll, 2000);
  }
  function restart() {
    rows.textContent = "";
    entries.clear();
    after = 0;
    document.getElementById("journal-detail").hidden = true;
    poll();
  }
  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }
  function curl(e) {
    let cmd = "curl -X " + e.method + " " + shellQuote(location.origin + e.path + (e.query ? "?" + e.query : ""));
    if (e.path.startsWith("/crm/")) cmd += " \\\n  -H " + shellQuote("Authorization: Zoho-oauthtoken $TOKEN").replace("'$TOKEN'", "$TOKEN");
    if (e.request_body) {
      const form = e.path.startsWith("/oauth/");
      cmd += " \\\n  -H " + shellQuote("Content-Type: " + (form ? "application/x-www-form-urlencoded" : "application/json"));
      cmd += " \\\n  --data-raw " + shellQuote(e.request_body);
    }
    return cmd;
  }
  function show(id) {
    const e = entries.get(id);
    if (!e) return;
    for (const tr of rows.querySelectorAll("tr.selected")) tr.classList.remove("selected");
    const tr = rows.querySelector('tr[data-id="' + id + '"]');
    if (tr) tr.classList.add("selected");
    const pretty = (s, cut) => {
      if (!s) return "(empty)";
      try { s = JSON.stringify(JSON.parse(s), null, 2); } catch (_) { /* not JSON */ }
      return s + (cut ? "\n… (truncated)" : "");
    };
    document.getElementById("jd-line").textContent = e.time + " " + e.method + " " + e.path + (e.query ? "?" + e.query : "") + " → " + e.status + " in " + e.duration_ms + " ms" + (e.client_id ? " · client " + e.client_id : "");
    document.getElementById("jd-req").textContent = pretty(e.request_body, e.request_body_truncated);
    document.getElementById("jd-resp").textContent = pretty(e.response_body, e.response_body_truncated);
    document.getElementById("jd-curl-text").textContent = "";
    const detail = document.getElementById("journal-detail");
    detail.hidden = false;
    detail.dataset.id = id;
  }
  rows.addEventListener("click", (ev) => { const tr = ev.target.closest("tr"); if (tr) show(tr.dataset.id); });
  rows.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") { const tr = ev.target.closest("tr"); if (tr) { ev.preventDefault(); show(tr.dataset.id); } }
  });
  document.getElementById("jd-curl").addEventListener("click", async () => {
    const e = entries.get(document.getElementById("journal-detail").dataset.id);
    if (!e) return;
    const text = curl(e);
    document.getElementById("jd-curl-text").textContent = text;
    try { await navigator.clipboard.writeText(text); } catch (_) { /* shown below the button instead */ }
  });
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(restart, 400); });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); restart(); });
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused) poll();
  });
  poll();
})();
