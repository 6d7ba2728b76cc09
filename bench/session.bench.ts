// Session-aware decisions: latency of view + decide with rules that read the
// session (rate, budget, after, provenance, session_state, anomaly), on
// sessions whose histories and value tables are full (the worst case the
// bounds allow); the full guard() including record(); the same with the
// persistent SQLite store (a hook process's path); and memory per session.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../src/policy/index.ts';
import { decide } from '../src/policy/decide.ts';
import { Firewall } from '../src/firewall.ts';
import { LazyFacts, NO_ANALYZERS } from '../src/analyze/facts.ts';
import { MemorySessionStore, SessionTracker, SqliteSessionStore, DEFAULT_LIMITS, type SessionStore } from '../src/session/index.ts';
import type { Action, Decision } from '../src/action.ts';
import { measure, round, type BenchOptions, type BenchSection } from './lib.ts';

const POLICY = {
  version: 1,
  default: 'allow',
  lists: { sinks: ['send_money', 'send_email', 'post_webpage'], private: ['read_file', 'read_inbox'] },
  rules: [
    { id: 'rate', effect: 'deny', when: { kind: 'tool', rate: { max: 100, per: '1m', key: ['session', 'tool'] } } },
    { id: 'budget', effect: 'ask', when: { tool: 'send_money', budget: { sum: 'args.amount', max: 10000, per: '1h', key: ['session'] } } },
    { id: 'injected', effect: 'deny', when: { tool: '$sinks', provenance: { 'args.*': { from: 'injected', not_from: 'user' } } } },
    { id: 'after-inj', effect: 'ask', when: { tool: '$sinks', session_state: { injection_seen: true } } },
    { id: 'trifecta', effect: 'ask', when: { tool: '$sinks', after: { match: { tool: '$private' }, within: { steps: 50 } }, session_state: { untrusted_seen: true }, provenance: { 'args.recipient': { not_from: 'user' } } } },
    { id: 'odd', effect: 'ask', when: { kind: 'tool', anomaly: { above: 0.9 } } },
  ],
};

const ALLOW: Decision = { effect: 'allow', rules: [], reasons: [], policyDigest: '', evalNs: 0 };

/** Fills a session to its bounds: full history, full value table, an agent profile. */
function fill(tracker: SessionTracker, session: string, agent: string, clock: { t: number }, limits = DEFAULT_LIMITS): void {
  tracker.ingest(session, 'Please pay DE89 3704 0044 0532 0130 00 and mail alice@corp.example', { origin: 'user' });
  const tools = ['read_file', 'search', 'read_inbox', 'list', 'get_webpage'];
  for (let i = 0; i < limits.maxHistory; i++) {
    // Ten seconds apart: the history spans about 40 minutes, like a long agent session.
    clock.t += 10_000;
    tracker.record({ kind: 'tool', tool: tools[i % tools.length], session, principal: { id: agent }, args: { path: `/srv/app/f${i}.txt`, n: i } }, ALLOW);
  }
  for (let i = 0; tracker.store.getSession(session)!.values.size < limits.maxValues && i < 10_000; i++) {
    tracker.ingest(session, `row ${i}: contact user${i}@example.com, account ${100000 + i}, see https://site${i}.example/page`, { origin: 'tool', tool: 'read_inbox' });
  }
}

function actions(session: string, agent: string): Action[] {
  const p = { id: agent };
  return [
    { kind: 'tool', tool: 'send_money', session, principal: p, args: { recipient: 'DE89370400440532013000', amount: 50, subject: 'rent' } },
    { kind: 'tool', tool: 'send_email', session, principal: p, args: { recipient: 'user17@example.com', subject: 'hi', body: 'see https://site3.example/page' } },
    { kind: 'tool', tool: 'read_file', session, principal: p, args: { path: '/srv/app/f1.txt' } },
    { kind: 'tool', tool: 'search', session, principal: p, args: { q: 'quarterly numbers' } },
  ];
}

export default async function (opts: BenchOptions): Promise<BenchSection[]> {
  const n = opts.quick ? 5_000 : 100_000;
  const policy = loadPolicy(POLICY as never);
  const c = { t: Date.parse('2026-03-02T10:00:00Z') };
  const now = () => c.t;
  const rows: BenchSection['rows'] = [];

  // 1. Memory store, full sessions: view + decide (the decision itself).
  const store = new MemorySessionStore();
  const tracker = new SessionTracker(store, { now });
  const sessions = 64;
  for (let s = 0; s < sessions; s++) fill(tracker, `s${s}`, `agent${s % 8}`, c);
  const acts = Array.from({ length: sessions }, (_, s) => actions(`s${s}`, `agent${s % 8}`)).flat();
  const plain = loadPolicy({ version: 1, default: 'allow', rules: [{ id: 'p', effect: 'deny', when: { tool: 'send_money', 'args.amount': { gt: 10000 } } }] } as never);
  const base = measure((i) => decide(plain, acts[i % acts.length]!, { facts: new LazyFacts(acts[i % acts.length]!, NO_ANALYZERS), now: c.t }).effect === 'deny', n);
  rows.push({ case: 'plain decision, no session rules (baseline)', ...base });
  const viewDecide = measure((i) => {
    const a = acts[i % acts.length]!;
    return decide(policy, a, { facts: new LazyFacts(a, NO_ANALYZERS), session: tracker.view(a), now: c.t }).effect === 'deny';
  }, n);
  rows.push({ case: 'session-aware: view + decide (memory, full sessions)', ...viewDecide });

  // 2. Full guard: view + decide + record (history append, profile learning).
  const fw = new Firewall(policy, NO_ANALYZERS, { session: tracker, now });
  const guard = measure((i) => {
    c.t += 1_000;
    return fw.guard(acts[i % acts.length]!).effect === 'deny';
  }, n);
  rows.push({ case: 'session-aware: guard() incl. record (memory)', ...guard });

  // 3. Persistent store: what a short-lived hook process pays per decision.
  const dir = mkdtempSync(join(tmpdir(), 'aw-bench-'));
  let sqliteRows: BenchSection['rows'] = [];
  try {
    const sq: SessionStore = new SqliteSessionStore({ dataDir: dir });
    const st = new SessionTracker(sq, { now });
    fill(st, 'p0', 'pa', c);
    const pfw = new Firewall(policy, NO_ANALYZERS, { session: st, now });
    const pacts = actions('p0', 'pa');
    const m = opts.quick ? 200 : 2_000;
    const cached = measure((i) => pfw.guard(pacts[i % pacts.length]!).effect === 'deny', m, { warmup: 50 });
    sqliteRows.push({ case: 'persistent (SQLite): guard() incl. write, warm process', ...cached });
    sq.close();
    const cold = measure(() => {
      const s2 = new SqliteSessionStore({ dataDir: dir });
      const t2 = new SessionTracker(s2, { now });
      const f2 = new Firewall(policy, NO_ANALYZERS, { session: t2, now });
      const d = f2.guard(pacts[0]!);
      s2.close();
      return d.effect === 'deny';
    }, opts.quick ? 20 : 200, { warmup: 5 });
    sqliteRows.push({ case: 'persistent (SQLite): open + load + guard + write + close (hook process)', ...cold });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(...sqliteRows);

  // 4. Memory per session at the default bounds.
  const one = store.getSession('s0')!;
  const approx = one.approxBytes();
  const agentBytes = JSON.stringify(store.getAgent('agent0')!.toJSON()).length;
  if (global.gc) global.gc();
  const before = process.memoryUsage().heapUsed;
  const extra = new MemorySessionStore();
  const t3 = new SessionTracker(extra, { now });
  const k = opts.quick ? 4 : 32;
  for (let s = 0; s < k; s++) fill(t3, `m${s}`, 'm', c);
  if (global.gc) global.gc();
  const heapPer = (process.memoryUsage().heapUsed - before) / k;
  const memory: BenchSection = {
    name: `session memory (default bounds: ${DEFAULT_LIMITS.maxHistory} history entries, ${DEFAULT_LIMITS.maxValues} identifiers + ${DEFAULT_LIMITS.maxValues} words per session)`,
    rows: [
      { measure: 'approx bytes per full session (computed)', value: Math.round(approx) },
      { measure: `heap bytes per full session (measured over ${k}${global.gc ? ', after gc' : ', no --expose-gc: noisy'})`, value: Math.round(heapPer) },
      { measure: 'persisted JSON bytes per full session', value: JSON.stringify(one.toJSON()).length },
      { measure: 'persisted JSON bytes per agent (history 1024 + profile)', value: agentBytes },
    ],
    notes: [`Memory is bounded by maxSessions x per-session bytes (default ${DEFAULT_LIMITS.maxSessions} x the value above, every session full); lower maxValues/maxHistory to shrink it.`],
  };
  return [
    {
      name: 'session-aware decisions (6 session rules: rate, budget, provenance, session_state, after+provenance, anomaly)',
      rows: rows.map((r) => ({ ...r, p50_us: round(Number(r.p50_us)), p99_us: round(Number(r.p99_us)) })),
      notes: [`${sessions} sessions filled to their bounds (history ${DEFAULT_LIMITS.maxHistory}, values ${DEFAULT_LIMITS.maxValues}); target: session-aware decision p99 <= 20 us.`, 'Shared 2-core machine: other work runs at the same time, numbers are noisy.'],
    },
    memory,
  ];
}
