// The dashboard's browser scripts, inlined in the pages (a CSP nonce allows
// them; no build step). They build the DOM with textContent only, never
// innerHTML with data, because actions and reasons are attacker-controlled.
// State-changing requests carry the session's CSRF token.

const COMMON = `
const csrf = document.querySelector('meta[name=csrf-token]').content;
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (k === 'class') e.className = v; else e.setAttribute(k, v); }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(k == null ? '' : String(k)));
  return e;
}
function ts(t) { return new Date(t).toISOString().replace('T', ' ').replace(/\\.\\d+Z$/, 'Z'); }
function eff(e) { return el('span', { class: 'effect ' + e }, e); }
async function api(method, url, body) {
  const r = await fetch(url, { method, headers: body === undefined ? { 'x-csrf-token': csrf } : { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status));
  return j;
}
`;

export const FEED_SCRIPT = `${COMMON}
const tbody = document.getElementById('feed');
const totals = { allow: 0, deny: 0, ask: 0 };
function add(it) {
  const tr = el('tr', { 'data-seq': it.seq },
    el('td', { class: 'mono' }, ts(it.ts)), el('td', {}, it.principal || '-'), el('td', { class: 'mono' }, it.session || '-'),
    el('td', { class: 'mono' }, it.kind + (it.tool && it.kind !== 'tool' ? ' ' + it.tool : '') + ': ' + it.summary),
    el('td', {}, eff(it.effect)), el('td', { class: 'mono' }, (it.rules || []).join(', ')), el('td', {}, it.reason || ''));
  tbody.prepend(tr);
  while (tbody.children.length > 200) tbody.lastChild.remove();
}
const es = new EventSource('/v1/events');
es.addEventListener('hello', (e) => { tbody.textContent = ''; for (const it of JSON.parse(e.data).items) add(it); });
es.addEventListener('decisions', (e) => { const d = JSON.parse(e.data); for (const it of d.items) add(it); if (d.skipped > 0) document.getElementById('skipped').textContent = '(' + d.skipped + ' more not shown)'; });
es.addEventListener('approval', () => refreshPending());
async function refreshPending() { try { const j = await api('GET', '/v1/approvals?status=pending&limit=1000'); document.getElementById('pending').textContent = String(j.approvals.length); } catch {} }
async function refreshStats() {
  try { const j = await api('GET', '/v1/stats/timeline'); for (const k of ['allow', 'deny', 'ask']) document.getElementById('t-' + k).textContent = String(j.totals[k] || 0); } catch {}
  document.getElementById('chart').src = '/dashboard/chart.svg?t=' + Date.now();
}
refreshPending(); setInterval(refreshStats, 5000); setInterval(refreshPending, 5000);
`;

export const APPROVALS_SCRIPT = `${COMMON}
const pend = document.getElementById('pending-rows');
const done = document.getElementById('resolved-rows');
const msg = document.getElementById('msg');
function summary(a) {
  const args = (a.action && a.action.args) || {};
  const main = args.command || args.path || args.url || args.query;
  return (a.tool && a.kind !== 'tool' ? a.kind + ' ' + a.tool : (a.tool || a.kind)) + ': ' + (typeof main === 'string' ? main : JSON.stringify(args).slice(0, 300));
}
function render(list, into, pending) {
  into.textContent = '';
  if (list.length === 0) { into.append(el('tr', {}, el('td', { colspan: '8', class: 'mute' }, pending ? 'No pending approvals.' : 'None yet.'))); return; }
  for (const a of list) {
    const yes = a.votes.filter((v) => v.vote === 'approve').length;
    const act = el('td', {});
    if (pending) {
      const ok = el('button', { class: 'approve', 'data-action': 'approve', 'data-id': a.id }, 'Approve');
      const no = el('button', { class: 'deny', 'data-action': 'deny', 'data-id': a.id }, 'Deny');
      const rem = el('input', { type: 'checkbox', 'data-remember': a.id, title: 'remember for this session' });
      ok.onclick = () => vote(a.id, 'approve', rem.checked);
      no.onclick = () => vote(a.id, 'deny', false);
      act.append(ok, no, el('label', { class: 'mute' }, ' ', rem, ' remember'));
    } else act.append(eff(a.status === 'approved' ? 'allow' : 'deny'), ' ', a.outcome || a.status);
    into.append(el('tr', { 'data-approval': a.id },
      el('td', { class: 'mono' }, a.id), el('td', {}, a.principal || '-'), el('td', { class: 'mono' }, a.session || '-'),
      el('td', { class: 'mono' }, summary(a)), el('td', { class: 'mono' }, a.rules.join(', ')), el('td', {}, a.reasons.join('; ')),
      el('td', {}, yes + '/' + a.required + (pending ? ' · expires ' + ts(a.expiresAt) : '')), act));
  }
}
async function load() {
  try {
    const p = await api('GET', '/v1/approvals?status=pending&limit=200');
    render(p.approvals, pend, true);
    const all = await api('GET', '/v1/approvals?status=all&limit=30');
    render(all.approvals.filter((a) => a.status !== 'pending'), done, false);
  } catch (e) { msg.textContent = 'Cannot load approvals: ' + e.message; }
}
async function vote(id, how, remember) {
  try { const a = await api('POST', '/v1/approvals/' + encodeURIComponent(id) + '/' + how, how === 'approve' ? { remember } : {}); msg.textContent = 'Approval ' + id + ': ' + (a.outcome || a.status); }
  catch (e) { msg.textContent = 'Approval ' + id + ': ' + e.message; }
  load();
}
const es = new EventSource('/v1/events');
es.addEventListener('approval', () => load());
load(); setInterval(load, 3000);
`;

export const POLICY_SCRIPT = `${COMMON}
const out = document.getElementById('result');
const text = document.getElementById('text');
function show(ok, lines) { out.textContent = ''; out.className = ok ? 'ok' : 'bad'; for (const l of lines) out.append(el('div', {}, l)); }
document.getElementById('validate').onclick = async () => {
  try { const r = await api('POST', '/v1/policy/validate', { text: text.value });
    if (r.valid) show(true, ['valid: ' + r.rules + ' rule(s), default ' + r.default + ', digest ' + r.digest]);
    else show(false, r.issues.map((i) => (i.file || '(policy)') + (i.line ? ':' + i.line + ':' + (i.column || 1) : '') + ': ' + (i.path || []).join('.') + ': ' + i.message));
  } catch (e) { show(false, [e.message]); }
};
const rel = document.getElementById('reload');
if (rel) rel.onclick = async () => {
  try { const r = await api('POST', '/v1/policy/reload', text.value.trim() ? { text: text.value } : {}); show(true, ['reloaded: ' + r.rules + ' rule(s), digest ' + r.digest]); setTimeout(() => location.reload(), 800); }
  catch (e) { show(false, [e.message]); }
};
`;
