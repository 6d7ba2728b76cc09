// `agentwall audit verify | query | export` as a user runs them: output,
// filters and exit codes (0 intact, 1 tampered, 3 error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE } from '../../src/store/index.ts';
import { KEY_FILE } from '../../src/audit/index.ts';
import { seedLog, tempDir, withStore } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

test('verify: 0 on an intact log, 1 with the place of tampering, 3 without a key', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 30);
  const ok = run(['audit', 'verify', '--data-dir', dir]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: 30 records/);
  // $AGENTWALL_HOME is honoured too.
  assert.equal(run(['audit', 'verify'], { AGENTWALL_HOME: dir }).status, 0);
  withStore(dir, (s) => s.db.prepare('DELETE FROM audit_records WHERE seq = 17').run());
  const bad = run(['audit', 'verify', '-d', dir]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /TAMPERED/);
  assert.match(bad.stdout, /record 18: \[delete\] records 17\.\.17 are missing/);
  const json = JSON.parse(run(['audit', 'verify', '-d', dir, '--json']).stdout) as { ok: boolean; problems: Array<{ seq: number }> };
  assert.equal(json.ok, false);
  assert.equal(json.problems[0]!.seq, 18);
  // An auditor with only the public key.
  const pub = join(dir, 'copy.pub');
  writeFileSync(pub, readFileSync(join(dir, 'audit-signing.pub')));
  rmSync(join(dir, KEY_FILE));
  const nokey = run(['audit', 'verify', '-d', dir]);
  assert.equal(nokey.status, 3);
  assert.match(nokey.stderr, /audit signing key missing/);
  assert.equal(run(['audit', 'verify', '-d', dir, '--public-key', pub]).status, 1);
});

test('verify: a corrupted database file and a missing data directory are errors (3) that name the file', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, DB_FILE), 'this is not a database'.repeat(300));
  const r = run(['audit', 'verify', '-d', dir]);
  assert.equal(r.status, 3);
  assert.ok(r.stderr.includes(join(dir, DB_FILE)) && /corrupted/.test(r.stderr), r.stderr);
  const none = run(['audit', 'query', '-d', join(dir, 'nope')]);
  assert.equal(none.status, 3);
  assert.match(none.stderr, /no AgentWall database/);
});

test('query filters by agent, effect, rule, tool and time; --json; export writes JSON lines', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 40);
  const q = run(['audit', 'query', '-d', dir, '--agent', 'agent-1', '--effect', 'deny', '--json']);
  assert.equal(q.status, 0, q.stderr);
  const recs = JSON.parse(q.stdout) as Array<{ principal: string; effect: string; seq: number }>;
  assert.ok(recs.length > 0 && recs.every((r) => r.principal === 'agent-1' && r.effect === 'deny'));
  const byRule = JSON.parse(run(['audit', 'query', '-d', dir, '--rule', 'rule-3', '--tool', 'send_email', '--json']).stdout) as Array<{ rules: string[]; tool: string }>;
  assert.ok(byRule.length > 0 && byRule.every((r) => r.rules.includes('rule-3') && r.tool === 'send_email'));
  assert.deepEqual(JSON.parse(run(['audit', 'query', '-d', dir, '--since', '1h', '--until', '30m', '--json']).stdout), []);
  const table = run(['audit', 'query', '-d', dir, '--limit', '3']);
  assert.equal(table.stdout.trim().split('\n').length, 4);
  assert.match(table.stdout, /^SEQ\s+TIME\s+TYPE\s+AGENT/);
  const badTime = run(['audit', 'query', '-d', dir, '--since', 'last tuesday']);
  assert.equal(badTime.status, 3);
  assert.match(badTime.stderr, /cannot read time/);
  const out = join(dir, 'export.jsonl');
  const ex = run(['audit', 'export', '-d', dir, '--type', 'decision', '-o', out]);
  assert.equal(ex.status, 0, ex.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string; prevHash: string });
  assert.equal(lines.length, 40);
  assert.equal(lines[1]!.prevHash, lines[0]!.hash);
  const stdout = run(['audit', 'export', '-d', dir, '--limit', '2']);
  assert.equal(stdout.stdout.trim().split('\n').length, 2);
  // An export kept elsewhere anchors the chain: after dropping the tail, verify says so.
  withStore(dir, (s) => {
    s.db.prepare('DELETE FROM audit_records WHERE seq > 38').run();
    s.db.prepare('DELETE FROM audit_checkpoints WHERE seq > 38').run();
  });
  rmSync(join(dir, 'audit.checkpoint'));
  const anchored = run(['audit', 'verify', '-d', dir, '--anchor', out]);
  assert.equal(anchored.status, 1, anchored.stdout + anchored.stderr);
  assert.match(anchored.stdout, /anchor names record 40, but the log ends at record 38/);
  assert.equal(run(['audit', 'verify', '-d', dir, '--anchor', 'garbage']).status, 3);
});
