import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSessionStore, SessionTracker } from '../../src/session/index.ts';

const STEP = join(import.meta.dirname, 'fixtures', 'hook-step.ts');

function step(dir: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', STEP, dir, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('state survives between separate processes with the same session id', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-sess-'));
  try {
    const a = (tool: string, args = {}) => JSON.stringify({ kind: 'tool', tool, args, session: 'sess-42', principal: { id: 'bot' } });
    assert.equal(step(dir, ['decide', a('ping')]), 'allow');
    assert.equal(step(dir, ['decide', a('ping')]), 'allow');
    assert.equal(step(dir, ['decide', a('ping')]), 'deny', 'the rate counts actions decided by earlier processes');
    assert.equal(step(dir, ['decide', a('curl')]), 'allow');
    assert.equal(step(dir, ['decide', a('read_secret')]), 'allow');
    assert.equal(step(dir, ['decide', a('curl')]), 'deny', 'the sequence spans processes');
    assert.equal(step(dir, ['ingest', 'sess-42', 'user', 'pay DE89 3704 0044 0532 0130 00']), 'ok');
    assert.equal(step(dir, ['decide', a('pay', { iban: 'DE89370400440532013000' })]), 'allow', 'provenance recorded by another process');
    assert.equal(step(dir, ['decide', a('pay', { iban: 'GB29NWBK60161331926819' })]), 'ask');
    const other = JSON.stringify({ kind: 'tool', tool: 'ping', session: 'other', principal: { id: 'bot' } });
    assert.equal(step(dir, ['decide', other]), 'allow', 'another session has its own history');
    const store = new SqliteSessionStore({ dataDir: dir });
    assert.equal(store.getSession('sess-42')?.steps, 8);
    const memo = store.getSession('sess-42')!.history.back(0)!.past;
    assert.ok(memo && memo.e.length > 0, 'the past-condition memo is persisted with each entry');
    assert.equal(store.getAgent('bot')?.steps, 9);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});

test('concurrent writers: no recorded event is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-sess-'));
  try {
    const n = 4;
    const per = 5;
    const script = `
      import { SqliteSessionStore, SessionTracker } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'src', 'session', 'index.ts'))};
      const store = new SqliteSessionStore({ dataDir: process.argv[1] });
      const t = new SessionTracker(store);
      for (let i = 0; i < ${per}; i++) t.record({ kind: 'tool', tool: 'w', session: 'shared', principal: { id: 'p' } }, { effect: 'allow', rules: [], reasons: [], policyDigest: '', evalNs: 0 });
      store.close();`;
    await Promise.all(
      Array.from({ length: n }, () =>
        new Promise<void>((resolve, reject) => {
          const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          c.stderr.on('data', (d) => (err += d));
          c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(err))));
        }),
      ),
    );
    const store = new SqliteSessionStore({ dataDir: dir });
    assert.equal(store.getSession('shared')?.steps, n * per);
    assert.equal(store.getAgent('p')?.steps, n * per);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});

test('a failed write makes later decisions of that session deny until a write succeeds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-sess-'));
  try {
    const store = new SqliteSessionStore({ dataDir: dir });
    const tracker = new SessionTracker(store);
    const { createFirewall } = await import('../../src/firewall.ts');
    const fw = await createFirewall({ policy: { version: 1, default: 'allow', rules: [{ id: 'r', effect: 'deny', when: { tool: 'x', rate: { max: 100, per: '1m' } } }] } as never, session: tracker });
    const act = { kind: 'tool', tool: 'x', session: 's' };
    assert.equal(fw.guard(act).effect, 'allow');
    store.close(); // every later read and write fails
    const d = fw.guard(act);
    assert.equal(d.effect, 'deny', 'a store that cannot be read never allows');
    assert.throws(() => tracker.view(act), /incomplete|not open|closed/i);
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});

test('persisted state reloads with the same provenance and profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-sess-'));
  try {
    const s1 = new SqliteSessionStore({ dataDir: dir });
    const t1 = new SessionTracker(s1);
    t1.ingest('s', 'send to Alice at alice@example.com', { origin: 'user' });
    t1.record({ kind: 'tool', tool: 'send', session: 's', principal: { id: 'p' }, args: { to: 'alice@example.com' } }, { effect: 'allow', rules: [], reasons: [], policyDigest: '', evalNs: 0 });
    s1.close();
    const s2 = new SqliteSessionStore({ dataDir: dir });
    const sess = s2.getSession('s')!;
    assert.equal(sess.lookup('alice@example.com')?.mask, 1);
    assert.equal(sess.lookup('alice')?.mask, 1);
    assert.equal(s2.getAgent('p')?.profile.tools.get('send'), 1);
    s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});
