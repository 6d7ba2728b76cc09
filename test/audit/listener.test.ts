// The decision listener writes what an auditor needs (principal, session,
// redacted action, facts digest, effect, rules, reasons, policy digest,
// latency), never secret values; query and export filter it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.ts';
import { AuditLog, auditDecisions, queryRecords, exportRecords, parseTime, redactAction } from '../../src/audit/index.ts';
import { createFirewall } from '../../src/firewall.ts';
import { tempDir } from './helpers.ts';

const POLICY = {
  version: 1,
  default: 'allow',
  rules: [
    { id: 'no-rm', effect: 'deny', when: { tool: 'rm' } },
    { id: 'big-trade', effect: 'ask', when: { tool: 'trade' }, approval: { approvers: 2, timeout: '1m' } },
  ],
};

test('each decision becomes one record with the secret values redacted', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store, { durability: 'sync' });
  const fw = await createFirewall({ policy: POLICY });
  fw.onDecision(auditDecisions(log));
  const principal = { id: 'agent-7' };
  fw.guard({ kind: 'tool', tool: 'rm', principal, session: 'S1', args: { path: '/x', password: 'hunter2', nested: { Authorization: 'Bearer abc' } } });
  fw.guard({ kind: 'tool', tool: 'trade', principal, session: 'S1', args: { amount: 5 } });
  fw.guard({ kind: 'tool', tool: 'ls', principal: { id: 'other' }, session: 'S2' });
  const all = [...queryRecords(store)];
  assert.equal(all.length, 3);
  const rm = all[0]!;
  assert.equal(rm.type, 'decision');
  assert.equal(rm.principal, 'agent-7');
  assert.equal(rm.session, 'S1');
  assert.equal(rm.effect, 'deny');
  assert.deepEqual(rm.rules, ['no-rm']);
  const data = rm.data as Record<string, any>;
  assert.match(data.policyDigest, /^sha256:/);
  assert.equal(typeof data.latencyNs, 'number');
  assert.ok(data.reasons.length > 0);
  assert.equal(data.action.args.path, '/x');
  assert.equal(data.action.args.password, '[redacted]');
  assert.equal(data.action.args.nested.Authorization, '[redacted]');
  const raw = store.db.prepare('SELECT group_concat(body) AS b FROM audit_records').get() as { b: string };
  assert.ok(!raw.b.includes('hunter2') && !raw.b.includes('Bearer abc'), 'no secret value in the database');
  assert.deepEqual((all[1]!.data as any).approval, { approvers: 2, timeoutMs: 60_000 });

  assert.equal([...queryRecords(store, { agent: 'agent-7' })].length, 2);
  assert.equal([...queryRecords(store, { effect: 'ask' })].length, 1);
  assert.equal([...queryRecords(store, { rule: 'no-rm' })].length, 1);
  assert.equal([...queryRecords(store, { tool: 'ls' })].length, 1);
  assert.equal([...queryRecords(store, { since: parseTime('1h'), until: Date.now() + 1000 })].length, 3);
  assert.equal([...queryRecords(store, { until: parseTime('1h') })].length, 0);
  const lines: string[] = [];
  assert.equal(exportRecords(store, { agent: 'other' }, (l) => lines.push(l)), 1);
  assert.equal(JSON.parse(lines[0]!).principal, 'other');
  log.close();
});

test('redaction bounds strings, arrays and depth', () => {
  const deep: Record<string, unknown> = {};
  let cur = deep;
  for (let i = 0; i < 20; i++) cur = (cur.n = {}) as Record<string, unknown>;
  const r = redactAction({ kind: 'tool', args: { s: 'a'.repeat(10_000), list: Array.from({ length: 1000 }, (_, i) => i), deep, api_key: 'k', max_tokens: 5 } }) as any;
  assert.ok(r.args.s.length < 2100);
  assert.equal(r.args.list.length, 65);
  assert.equal(r.args.api_key, '[redacted]');
  assert.ok(JSON.stringify(r).includes('nested too deep'));
});

test('an oversized record keeps its fields and a digest of its data', (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store, { maxRecordBytes: 1000 });
  log.append({ type: 'scan', principal: 'a', data: { text: 'q'.repeat(5000) } });
  const [r] = [...queryRecords(store)];
  assert.equal(r!.principal, 'a');
  assert.equal((r!.data as any).truncated, true);
  assert.match((r!.data as any).dataDigest, /^sha256:/);
  log.close();
});

test('parseTime reads ISO, epoch ms and durations, and rejects the rest clearly', () => {
  assert.equal(parseTime('2026-01-01T00:00:00Z'), Date.UTC(2026, 0, 1));
  assert.equal(parseTime('1767225600000'), 1767225600000);
  assert.equal(parseTime('2h', 10_000_000), 10_000_000 - 7_200_000);
  assert.throws(() => parseTime('yesterday'), /cannot read time 'yesterday'/);
});

test('attachAudit records the loaded policy, every reload and every decision', async (t) => {
  const { attachAudit } = await import('../../src/audit/index.ts');
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store);
  const fw = await createFirewall({ policy: POLICY });
  const detach = attachAudit(fw, log, { by: 'ops' });
  const first = fw.policy.digest;
  fw.guard({ kind: 'tool', tool: 'ls' });
  fw.reload({ version: 1, default: 'deny', rules: [] });
  const d = fw.guard({ kind: 'tool', tool: 'ls' });
  assert.equal(d.effect, 'deny');
  detach();
  fw.guard({ kind: 'tool', tool: 'ls' });
  const recs = [...queryRecords(store)];
  assert.deepEqual(recs.map((r) => r.type), ['policy', 'decision', 'policy', 'decision']);
  const reload = recs[2]!.data as Record<string, unknown>;
  assert.equal(reload.event, 'reloaded');
  assert.equal(reload.previousDigest, first);
  assert.equal(reload.policyDigest, fw.policy.digest);
  assert.equal(recs[2]!.principal, 'ops');
  assert.equal((recs[3]!.data as Record<string, unknown>).policyDigest, fw.policy.digest);
  log.close();
});

test("the policy's audit: section decides redaction, and a reload changes it", async (t) => {
  const { attachAudit } = await import('../../src/audit/index.ts');
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store);
  const fw = await createFirewall({ policy: { ...POLICY, audit: { redact_keys: ['SSN'], max_string: 10 } } });
  attachAudit(fw, log);
  fw.guard({ kind: 'tool', tool: 'ls', args: { customer_ssn: '123-45-6789', note: 'a long note of text', password: 'p' } });
  fw.reload({ ...POLICY, audit: { store_args: false } });
  fw.guard({ kind: 'tool', tool: 'ls', args: { customer_ssn: '123-45-6789', note: 'short' }, context: { ip: '10.0.0.1' } });
  const [first, second] = [...queryRecords(store, { type: 'decision' })].map((r) => (r.data as any).action);
  assert.equal(first.args.customer_ssn, '[redacted]');
  assert.equal(first.args.password, '[redacted]');
  assert.match(first.args.note, /^a long not…\[\+9 chars\]$/);
  assert.deepEqual(second.args, { '[omitted by policy]': 2 });
  assert.equal(second.context, undefined);
  assert.equal(second.tool, 'ls');
  const raw = (store.db.prepare('SELECT group_concat(body) AS b FROM audit_records').get() as { b: string }).b;
  assert.ok(!raw.includes('123-45-6789'));
  log.close();
});

test('a bad audit: section is a policy error', async () => {
  await import('../../src/audit/index.ts');
  await assert.rejects(createFirewall({ policy: { ...POLICY, audit: { store_arg: false } } }), /store_arg/);
});
