import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * The status page at `GET /`: one server-rendered HTML document with a small inline script, no build
 * step. The document itself holds no seller data and needs no key; the operator types the API key into
 * its form, the script keeps it in sessionStorage (gone when the tab closes, never in a URL, so never in
 * an access log) and sends it as `x-api-key` to the same /v1 routes a client uses. Everything the API
 * returns is written with textContent, never parsed as HTML.
 *
 * Shows: connections with their state and freshness, a connection's recent pushes with progress, a push's failed
 * items with Trendyol's reasons, and a barcode's timeline.
 */
const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fafbfc}
h1{font-size:1.3rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f6}tr.sel{background:#fff8c5}tr.click{cursor:pointer}
.muted{color:#57606a}.bad{color:#b42318}.ok{color:#1a7f37}
progress{width:10rem}form{margin:.5rem 0}input{padding:.25rem}button{padding:.25rem .75rem}
#app[hidden],#login[hidden]{display:none}
`;

const SCRIPT = `
(() => {
  const KEY = 'eci-api-key';
  const $ = (id) => document.getElementById(id);
  const api = async (path) => {
    const res = await fetch(new URL(path, location.href), { headers: { 'x-api-key': sessionStorage.getItem(KEY) || '' } });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error((body && body.error && body.error.message) || ('HTTP ' + res.status));
      err.status = res.status;
      throw err;
    }
    return body;
  };
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; };
  const row = (cells) => { const tr = el('tr'); for (const c of cells) { const td = el('td'); if (c instanceof Node) td.append(c); else td.textContent = c === null || c === undefined ? '' : String(c); tr.append(td); } return tr; };
  const fill = (tbody, rows, empty, span) => { tbody.replaceChildren(...(rows.length ? rows : [row([empty])])); if (!rows.length) tbody.firstChild.firstChild.colSpan = span; };
  const secs = (ms) => (ms / 1000).toFixed(1) + ' s';
  const value = (v) => v ? [['qty', v.quantity], ['sale', v.salePrice], ['list', v.listPrice]].filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => k + ' ' + x).join(', ') : '';
  let connectionId = null;

  const showError = (e) => {
    if (e.status === 401) { sessionStorage.removeItem(KEY); showLogin('The API key was refused.'); return; }
    $('error').textContent = e.message;
  };
  const showLogin = (message) => { $('login').hidden = false; $('app').hidden = true; $('login-msg').textContent = message || ''; };

  async function loadConnections() {
    const list = await api('v1/connections');
    const rows = [];
    for (const c of list) {
      const s = await api('v1/connections/' + encodeURIComponent(c.id) + '/status');
      const f = s.freshness && s.freshness.lastHour;
      const fresh = f && f.items ? 'p50 ' + secs(f.p50Ms) + ' / p95 ' + secs(f.p95Ms) + ' (' + f.items + ' items, 1 h)' : '—';
      const tr = row([c.id, c.name, c.status, s.state.lastStatus, fresh, s.state.lastSuccessAt, s.state.lastError]);
      tr.className = 'click' + (c.id === connectionId ? ' sel' : '');
      tr.addEventListener('click', () => selectConnection(c.id).catch(showError));
      rows.push(tr);
    }
    fill($('connections'), rows, 'No connections yet.', 7);
    if (!connectionId && list.length) await selectConnection(list[0].id);
  }

  async function selectConnection(id) {
    connectionId = id;
    for (const tr of $('connections').children) tr.classList.toggle('sel', tr.firstChild.textContent === id);
    $('pushes-title').textContent = 'Recent pushes of ' + id;
    const page = await api('v1/pushes?connectionId=' + encodeURIComponent(id) + '&limit=10');
    fill($('pushes'), page.items.map((p) => {
      const bar = el('progress'); bar.max = Math.max(1, p.items.total); bar.value = p.items.confirmed + p.items.failed;
      const tr = row([p.pushId, p.createdAt, bar, p.items.total, p.items.confirmed, p.items.failed, p.items.scheduled, p.done ? 'done' : 'in progress']);
      tr.className = 'click';
      tr.addEventListener('click', () => showPush(p.pushId).catch(showError));
      return tr;
    }), 'No pushes yet.', 8);
    if (page.items.length) await showPush(page.items[0].pushId);
    const failed = await api('v1/inventory/state?connectionId=' + encodeURIComponent(id) + '&state=failed');
    fill($('failed-barcodes'), failed.items.map((i) => {
      const last = (i.history || []).find((h) => h.event === 'failed');
      return row([i.barcode, value(i.inFlight), last ? (last.failureReasons || []).join('; ') : '', last ? last.at : '']);
    }), 'No barcode is failing.', 4);
    const held = await api('v1/inventory/held?connectionId=' + encodeURIComponent(id) + '&limit=100');
    fill($('held'), held.items.map((h) => row([h.barcode, h.reason, value(h), h.referenceSalePrice, h.message, h.heldAt])), 'No price is held.', 6);
    const drift = await api('v1/inventory/drift?connectionId=' + encodeURIComponent(id) + '&limit=100');
    fill($('drifted'), drift.items.map((d) => row([d.barcode, d.kind, value(d.confirmed), value(d.live), d.action, d.detectedAt])), 'No drift found.', 6);
  }

  async function showPush(pushId) {
    const p = await api('v1/pushes/' + encodeURIComponent(pushId));
    $('push-title').textContent = 'Push ' + pushId + ' — ' + p.chunkCount + ' chunk(s): ' +
      Object.entries(p.counts).filter(([, n]) => n > 0).map(([s, n]) => s + ' ' + n).join(', ');
    fill($('failed'), p.failedItems.map((f) => row([f.barcode, f.failureReasons.join('; '), f.jobId])), 'No failed items.', 3);
  }

  async function showTimeline(barcode) {
    const t = await api('v1/inventory/timeline?connectionId=' + encodeURIComponent(connectionId) + '&barcode=' + encodeURIComponent(barcode) + '&limit=200');
    fill($('timeline'), t.items.map((e) => row([e.at, e.event, value(e.old), value(e.new), e.batchRequestId, (e.failureReasons || []).join('; ')])), 'No history for this barcode.', 6);
  }

  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $('key').value);
    $('key').value = '';
    start();
  });
  $('logout').addEventListener('click', () => { sessionStorage.removeItem(KEY); connectionId = null; showLogin(''); });
  // Refresh reloads the selected connection's pushes, failed, held and drifted items too.
  $('refresh').addEventListener('click', () => { $('error').textContent = ''; loadConnections().then(() => connectionId && selectConnection(connectionId)).catch(showError); });
  $('timeline-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    $('error').textContent = '';
    if (connectionId) showTimeline($('barcode').value.trim()).catch(showError);
  });

  function start() {
    if (!sessionStorage.getItem(KEY)) { showLogin(''); return; }
    $('login').hidden = true; $('app').hidden = false; $('error').textContent = '';
    loadConnections().then(() => document.body.dataset.ready = 'true').catch(showError);
  }
  start();
})();
`;

const BODY = `
<h1>ECI status</h1>
<section id="login">
  <form id="login-form">
    <label>API key <input id="key" type="password" autocomplete="off" required></label>
    <button type="submit">Open</button>
  </form>
  <p id="login-msg" class="bad"></p>
  <p class="muted">The key stays in this tab (sessionStorage) and is sent as the x-api-key header.</p>
</section>
<section id="app" hidden>
  <p><button id="refresh" type="button">Refresh</button> <button id="logout" type="button">Log out</button> <span id="error" class="bad"></span></p>
  <h2>Connections</h2>
  <table><thead><tr><th>id</th><th>name</th><th>status</th><th>last result</th><th>freshness (accept → confirmed)</th><th>last success</th><th>last error</th></tr></thead><tbody id="connections"></tbody></table>
  <h2 id="pushes-title">Recent pushes</h2>
  <table><thead><tr><th>push</th><th>accepted</th><th>progress</th><th>items</th><th>confirmed</th><th>failed</th><th>scheduled</th><th></th></tr></thead><tbody id="pushes"></tbody></table>
  <h2 id="push-title">Push</h2>
  <table><thead><tr><th>failed barcode</th><th>Trendyol's reasons</th><th>job</th></tr></thead><tbody id="failed"></tbody></table>
  <h2>Barcodes whose latest value failed</h2>
  <table><thead><tr><th>barcode</th><th>value</th><th>reasons</th><th>at</th></tr></thead><tbody id="failed-barcodes"></tbody></table>
  <h2>Prices held back (approve with POST /v1/inventory/held/approve or eci held approve)</h2>
  <table><thead><tr><th>barcode</th><th>reason</th><th>held value</th><th>confirmed salePrice</th><th>why</th><th>at</th></tr></thead><tbody id="held"></tbody></table>
  <h2>Drift: Trendyol's live value differs from what it confirmed</h2>
  <table><thead><tr><th>barcode</th><th>kind</th><th>confirmed</th><th>live</th><th>action</th><th>found</th></tr></thead><tbody id="drifted"></tbody></table>
  <h2>Barcode timeline</h2>
  <form id="timeline-form"><label>barcode <input id="barcode" required></label> <button type="submit">Show</button></form>
  <table><thead><tr><th>at</th><th>event</th><th>old</th><th>new</th><th>batch</th><th>reasons</th></tr></thead><tbody id="timeline"></tbody></table>
</section>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ECI status</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>
`;

// Only this page's own inline script and style may run, and it may only call this origin.
const CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's response: HTML, no caching, a CSP that admits only its own inline script and style. */
export function statusPage(): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': CSP,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
    body: HTML,
  };
}
