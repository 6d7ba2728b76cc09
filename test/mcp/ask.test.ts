// `ask` on a tools/call holds the call in the proxy until a human answers
// (approval queue in the data dir, answered here from another process) or the
// rule's timeout passes; the upstream sees the call only after an approval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.ts';
import { ApprovalQueue } from '../../src/approval/index.ts';
import { fixtureCommand, proxied, tempDir, text, until, writePolicy } from './helpers.ts';

function policy(dir: string, timeout: string): string {
  return writePolicy(dir, `version: 1
default: deny
rules:
  - id: writes-need-a-human
    effect: ask
    when: { kind: mcp, tool: fixture__write }
    approval: { approvers: 1, timeout: ${timeout} }
    reason: writing needs a human
`);
}

test('ask: the call is held until approved, then forwarded', async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const marker = join(dir, 'marker');
  const p = await proxied(t, { policy: policy(dir, '60s'), dataDir: home, name: 'fixture', server: fixtureCommand() });
  const call = p.client.callTool({ name: 'write', arguments: { path: marker } });
  const store = openStore({ dataDir: home });
  t.after(() => store.close());
  const q = new ApprovalQueue(store);
  await until(() => q.list({ status: 'pending' }).length === 1, 15_000, 'a pending approval');
  const a = q.list({ status: 'pending' })[0]!;
  assert.equal(a.tool, 'fixture__write');
  assert.deepEqual(a.rules, ['writes-need-a-human']);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(existsSync(marker), false, 'held: the upstream has not seen the call');
  q.approve(a.id, 'alice');
  const r = await call;
  assert.equal(text(r), 'ok');
  assert.equal(existsSync(marker), true);
});

test('ask: no answer within the timeout denies, and the upstream never sees the call', async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'marker');
  const p = await proxied(t, { policy: policy(dir, '1s'), dataDir: join(dir, 'home'), name: 'fixture', server: fixtureCommand() });
  const r = await p.client.callTool({ name: 'write', arguments: { path: marker } });
  assert.equal(r.isError, true);
  assert.match(text(r), /writing needs a human; approval .* timed out/);
  assert.equal(existsSync(marker), false);
});

test('ask without approvals (--no-approvals) is denied at once', async (t) => {
  const dir = tempDir(t);
  const p = await proxied(t, { policy: policy(dir, '60s'), dataDir: join(dir, 'home'), name: 'fixture', server: fixtureCommand(), args: ['--no-approvals'] });
  const r = await p.client.callTool({ name: 'write', arguments: { path: join(dir, 'm') } });
  assert.equal(r.isError, true);
  assert.match(text(r), /no approver is configured/);
});
