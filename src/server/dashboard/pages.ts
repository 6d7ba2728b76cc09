// The dashboard's pages as HTML strings: live feed with the chart, approvals,
// audit search with verification status, agents (profiles and anomalies), and
// the active policy with the problems of the last rejected reload.

import type { AuditRecord, VerifyReport } from '../../audit/index.ts';
import type { AgentProfileView } from '../extensions.ts';
import type { describe as describePolicy } from '../routes/policy.ts';
import { effectCell, esc, time } from './html.ts';

export function loginPage(error?: string): string {
  return `<h1>Sign in</h1>
<div class="card" style="max-width:40em">
<p>Paste an <b>approver</b> or <b>admin</b> API key. <code>agentwall serve</code> prints the bootstrap admin key on first start;
create more with <code>agentwall keys create --role approver --name alice</code>.</p>
${error ? `<p class="bad" id="login-error">${esc(error)}</p>` : ''}
<form method="post" action="/dashboard/login"><input type="password" name="key" id="key" placeholder="aw_…" autocomplete="off" style="width:100%" required>
<p><button type="submit" id="login">Sign in</button></p></form></div>`;
}

export function feedPage(totals: Record<string, number>): string {
  return `<h1>Live decisions</h1>
<div class="card totals"><span>allow <b class="allow" id="t-allow">${totals.allow ?? 0}</b></span><span>deny <b class="deny" id="t-deny">${totals.deny ?? 0}</b></span><span>ask <b class="ask" id="t-ask">${totals.ask ?? 0}</b></span>
<span>pending approvals <a href="/dashboard/approvals"><b id="pending">…</b></a></span></div>
<div class="card"><img id="chart" src="/dashboard/chart.svg" alt="decisions over time by effect" style="width:100%"></div>
<h2>Recent decisions <span class="mute" id="skipped"></span></h2>
<table><thead><tr><th>Time</th><th>Agent</th><th>Session</th><th>Action</th><th>Effect</th><th>Rules</th><th>Why</th></tr></thead><tbody id="feed"></tbody></table>`;
}

export function approvalsPage(): string {
  return `<h1>Approvals</h1><p id="msg" class="mute"></p>
<h2>Pending</h2>
<table><thead><tr><th>ID</th><th>Agent</th><th>Session</th><th>Action</th><th>Rules</th><th>Why</th><th>Votes</th><th></th></tr></thead><tbody id="pending-rows"><tr><td colspan="8" class="mute">Loading…</td></tr></tbody></table>
<h2>Recently resolved</h2>
<table><thead><tr><th>ID</th><th>Agent</th><th>Session</th><th>Action</th><th>Rules</th><th>Why</th><th>Votes</th><th>Outcome</th></tr></thead><tbody id="resolved-rows"></tbody></table>`;
}

export function auditPage(q: Record<string, string | undefined>, records: AuditRecord[], verify: VerifyReport | { error: string }): string {
  const v =
    'error' in verify
      ? `<span class="bad">cannot verify: ${esc(verify.error)}</span>`
      : verify.ok
        ? `<span class="ok" id="verify-status">intact</span> · ${verify.records} records, ${verify.checkpoints} signed checkpoints (key ${esc(verify.keyId)})${verify.unsignedTail ? `, last ${verify.unsignedTail} records chained but not yet signed` : ''}`
        : `<span class="bad" id="verify-status">TAMPERED</span> · ${verify.problems.length} problem(s):<ul>${verify.problems.map((p) => `<li>${p.seq !== undefined ? `record ${p.seq}: ` : ''}[${esc(p.kind)}] ${esc(p.message)}</li>`).join('')}</ul>`;
  const field = (name: string, label: string) => `<label>${label} <input name="${name}" value="${esc(q[name] ?? '')}" size="14"></label> `;
  const effect = `<label>effect <select name="effect"><option value="">any</option>${['allow', 'deny', 'ask'].map((e) => `<option${q.effect === e ? ' selected' : ''}>${e}</option>`).join('')}</select></label> `;
  const rows = records
    .map((r) => {
      const d = (r.data ?? {}) as Record<string, unknown>;
      const reasons = Array.isArray(d.reasons) ? (d.reasons as unknown[]).join('; ') : typeof d.event === 'string' ? `${d.event}${d.outcome ? `: ${String(d.outcome)}` : ''}` : '';
      const act = d.action as { kind?: string; args?: Record<string, unknown> } | undefined;
      const a = act?.args ? (act.args.command ?? act.args.path ?? act.args.url ?? act.args.query ?? JSON.stringify(act.args)) : '';
      return `<tr><td class="mono">${r.seq}</td><td class="mono">${time(r.ts)}</td><td>${esc(r.type)}</td><td>${esc(r.principal ?? '-')}</td><td class="mono">${esc(r.session ?? '-')}</td><td class="mono">${esc(r.tool ?? '-')} ${esc(String(a).slice(0, 200))}</td><td>${r.effect ? effectCell(r.effect) : '-'}</td><td class="mono">${esc((r.rules ?? []).join(', '))}</td><td>${esc(reasons.slice(0, 300))}</td></tr>`;
    })
    .join('');
  return `<h1>Audit log</h1><div class="card">Verification: ${v}</div>
<form method="get" action="/dashboard/audit" class="card">${field('agent', 'agent')}${field('session', 'session')}${field('tool', 'tool')}${field('rule', 'rule')}${effect}${field('since', 'since (15m, 2h, ISO)')}<button>Search</button></form>
<table><thead><tr><th>Seq</th><th>Time</th><th>Type</th><th>Agent</th><th>Session</th><th>Action</th><th>Effect</th><th>Rules</th><th>Detail</th></tr></thead><tbody>${rows || '<tr><td colspan="9" class="mute">No matching records.</td></tr>'}</tbody></table>`;
}

export function profilesPage(available: boolean, agents: Array<{ id: string; steps: number; samples: number }>, selected?: AgentProfileView): string {
  if (!available) return '<h1>Agents</h1><p class="mute">This build has no session layer, so there are no behavioral profiles.</p>';
  const list = agents.map((a) => `<tr><td><a href="/dashboard/profiles?agent=${encodeURIComponent(a.id)}">${esc(a.id)}</a></td><td>${a.steps}</td><td>${a.samples}</td></tr>`).join('');
  let detail = '';
  if (selected) {
    const top = (xs: Array<[string, number]>) => xs.map(([k, n]) => `<li><span class="mono">${esc(k)}</span> × ${n}</li>`).join('') || '<li class="mute">none yet</li>';
    const recent = selected.recent
      .map((h) => {
        const an = h.anomaly;
        const score = an ? (an.learning ? '<span class="mute">learning</span>' : `<b class="${an.score >= 0.5 ? 'bad' : ''}">${an.score.toFixed(2)}</b> ${esc(an.reasons.join('; '))}`) : '-';
        return `<tr><td class="mono">${time(h.t)}</td><td class="mono">${esc(h.session ?? '-')}</td><td class="mono">${esc(h.kind)}${h.tool ? ` ${esc(h.tool)}` : ''}</td><td>${effectCell(h.effect)}</td><td class="mono">${esc((h.rules ?? []).join(', '))}</td><td>${score}</td></tr>`;
      })
      .join('');
    detail = `<h2>${esc(selected.id)}</h2><div class="card">${selected.steps} actions, profile learned from ${selected.samples} allowed actions, busiest minute ${selected.peakPerMinute}</div>
<div style="display:flex;gap:1em"><div class="card" style="flex:1"><b>Tools</b><ul>${top(selected.tools)}</ul></div><div class="card" style="flex:1"><b>Destinations</b><ul>${top(selected.destinations)}</ul></div><div class="card" style="flex:1"><b>Path prefixes</b><ul>${top(selected.prefixes)}</ul></div></div>
<h2>Recent actions and anomaly scores</h2><table><thead><tr><th>Time</th><th>Session</th><th>Action</th><th>Effect</th><th>Rules</th><th>Anomaly</th></tr></thead><tbody>${recent}</tbody></table>`;
  }
  return `<h1>Agents</h1><table><thead><tr><th>Agent</th><th>Actions</th><th>Profile samples</th></tr></thead><tbody>${list || '<tr><td colspan="3" class="mute">No agents seen yet.</td></tr>'}</tbody></table>${detail}`;
}

export function policyPage(p: ReturnType<typeof describePolicy>, admin: boolean): string {
  const err = p.lastError
    ? `<div class="card"><span class="bad">Last reload rejected</span> at ${time(p.lastError.at)} (the policy below stayed active):<ul id="policy-errors">${p.lastError.issues
        .map((i) => `<li class="mono">${esc(i.file ?? '(policy)')}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''}: ${esc(i.path.join('.'))}: ${esc(i.message)}</li>`)
        .join('')}</ul></div>`
    : '';
  const rules = p.rules
    .map((r) => `<tr><td class="mono">${esc(r.id)}</td><td>${effectCell(r.effect)}${r.mode === 'monitor' ? ' <span class="mute">(monitor)</span>' : ''}</td><td>${esc(r.reason)}</td><td class="mono">${esc(r.where)}</td></tr>`)
    .join('');
  const sources = p.sources.map((s) => `<h2 class="mono">${esc(s.file)}</h2><pre>${esc(s.text)}</pre>`).join('');
  return `<h1>Active policy</h1>
<div class="card">digest <span class="mono" id="digest">${esc(p.digest)}</span> · default <b>${esc(p.default)}</b>${p.mode === 'monitor' ? ' · <b>monitor mode</b>' : ''} · ${p.rules.length} rules · loaded ${time(p.loadedAt)} from <span class="mono">${esc(p.origin.join(', '))}</span></div>
${err}
<div class="card"><b>Validate${admin ? ' or reload' : ''}</b><p class="mute">Paste policy YAML to check it${admin ? '; Reload with an empty box re-reads the policy files' : ''}. A policy with problems is never activated.</p>
<textarea id="text" rows="10" style="width:100%" spellcheck="false"></textarea><p><button id="validate" type="button">Validate</button>${admin ? ' <button id="reload" type="button">Reload</button>' : ''}</p><div id="result"></div></div>
<h2>Rules</h2><table><thead><tr><th>ID</th><th>Effect</th><th>Reason</th><th>Where</th></tr></thead><tbody>${rules}</tbody></table>
${sources}`;
}
