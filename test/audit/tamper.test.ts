// One test per kind of tampering, each done with raw SQL (or file edits) on a
// real database, and each must be reported by verify at the right place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordHash } from '../../src/audit/chain.ts';
import { KEY_FILE, CHECKPOINT_FILE } from '../../src/audit/index.ts';
import { seedLog, tempDir, verifyDir, withStore } from './helpers.ts';

test('an untouched log verifies, fully covered by checkpoints after close', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 23);
  const r = verifyDir(dir);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.records, 23);
  assert.equal(r.lastCheckpointSeq, 23);
  assert.equal(r.unsignedTail, 0);
  assert.ok(r.checkpoints >= 5);
});

test('edit: changing a record body is found at that record', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => s.db.prepare(`UPDATE audit_records SET body = replace(body, '"effect":"deny"', '"effect":"allow"') WHERE seq = 8`).run());
  const r = verifyDir(dir);
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => p.kind === 'edit' && p.seq === 8), JSON.stringify(r.problems));
});

test('edit: changing an indexed column only is found', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => s.db.prepare(`UPDATE audit_records SET effect = 'allow' WHERE seq = 12`).run());
  const r = verifyDir(dir);
  assert.ok(r.problems.some((p) => p.kind === 'edit' && p.seq === 12 && p.message.includes("'effect'")), JSON.stringify(r.problems));
});

test('edit with the whole chain recomputed: the signed checkpoints expose it', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => {
    s.db.prepare(`UPDATE audit_records SET body = replace(body, '"i":3', '"i":333') WHERE seq = 3`).run();
    let prev = '0'.repeat(64);
    for (const row of s.db.prepare('SELECT seq, body FROM audit_records ORDER BY seq').all() as Array<{ seq: number; body: string }>) {
      const h = recordHash(prev, row.seq, row.body);
      s.db.prepare('UPDATE audit_records SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, h, row.seq);
      prev = h;
    }
  });
  const r = verifyDir(dir);
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => p.kind === 'checkpoint' && p.seq === 6 && p.message.includes('2..6')), JSON.stringify(r.problems));
});

test('delete: removing a record in the middle is found after it', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => s.db.prepare('DELETE FROM audit_records WHERE seq = 7').run());
  const r = verifyDir(dir);
  assert.ok(r.problems.some((p) => p.kind === 'delete' && p.seq === 8 && p.message.includes('7..7')), JSON.stringify(r.problems));
});

test('insert: a forged record slipped in (later records renumbered) is found', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => {
    const db = s.db;
    for (let seq = 20; seq >= 10; seq--) db.prepare('UPDATE audit_records SET seq = seq + 1 WHERE seq = ?').run(seq);
    const prev = (db.prepare('SELECT hash FROM audit_records WHERE seq = 9').get() as { hash: string }).hash;
    const body = JSON.stringify({ ts: Date.now(), type: 'decision', effect: 'allow', principal: 'mallory' });
    db.prepare('INSERT INTO audit_records (seq, ts, type, principal, effect, body, prev_hash, hash) VALUES (10, ?, ?, ?, ?, ?, ?, ?)').run(
      Date.now(), 'decision', 'mallory', 'allow', body, prev, recordHash(prev, 10, body),
    );
  });
  const r = verifyDir(dir);
  assert.equal(r.ok, false);
  // The forged record itself hashes fine; the record after it no longer links, and moved records no longer match their hash.
  assert.ok(r.problems.some((p) => p.seq === 11 && (p.kind === 'chain' || p.kind === 'edit')), JSON.stringify(r.problems));
});

test('reorder: swapping two records is found at both', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => {
    const db = s.db;
    db.prepare('UPDATE audit_records SET seq = -1 WHERE seq = 4').run();
    db.prepare('UPDATE audit_records SET seq = 4 WHERE seq = 6').run();
    db.prepare('UPDATE audit_records SET seq = 6 WHERE seq = -1').run();
  });
  const r = verifyDir(dir);
  assert.ok(r.problems.some((p) => p.seq === 4), JSON.stringify(r.problems));
  assert.ok(r.problems.some((p) => p.seq === 6), JSON.stringify(r.problems));
});

test('truncate: dropping the tail covered by a checkpoint is found', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => s.db.prepare('DELETE FROM audit_records WHERE seq > 13').run());
  const r = verifyDir(dir);
  assert.ok(r.problems.some((p) => p.kind === 'truncation' && p.message.includes('14..')), JSON.stringify(r.problems));
});

test('truncate: dropping the tail and its checkpoints is found through the checkpoint file', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 20);
  withStore(dir, (s) => {
    s.db.prepare('DELETE FROM audit_records WHERE seq > 10').run();
    s.db.prepare('DELETE FROM audit_checkpoints WHERE seq > 10').run();
  });
  const r = verifyDir(dir);
  assert.ok(r.problems.some((p) => p.kind === 'truncation' && p.message.includes(CHECKPOINT_FILE)), JSON.stringify(r.problems));
});

test('key swap: a different signing key in the data directory is found', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 12);
  const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
  rmSync(join(dir, KEY_FILE));
  writeFileSync(join(dir, KEY_FILE), other, { mode: 0o600 });
  const r = verifyDir(dir);
  assert.equal(r.ok, false);
  assert.ok(r.problems.some((p) => p.kind === 'key'), JSON.stringify(r.problems));
  assert.ok(r.problems.some((p) => p.kind === 'signature'), JSON.stringify(r.problems));
});

test('key swap: checkpoints re-signed with another key fail against the trusted key', async (t) => {
  const dir = tempDir(t);
  seedLog(dir, 12);
  const pub = join(dir, 'trusted.pub');
  const { readFileSync } = await import('node:fs');
  writeFileSync(pub, readFileSync(join(dir, 'audit-signing.pub')));
  // The attacker rewrites a record, recomputes the chain and re-signs with a key of their own.
  const { openStore } = await import('../../src/store/index.ts');
  const { AuditLog, verifyLog, loadVerifyKey } = await import('../../src/audit/index.ts');
  withStore(dir, (s) => {
    s.db.prepare('DELETE FROM audit_records WHERE seq > 6').run();
    s.db.prepare('DELETE FROM audit_checkpoints').run();
  });
  rmSync(join(dir, KEY_FILE));
  rmSync(join(dir, CHECKPOINT_FILE));
  const store = openStore({ dataDir: dir });
  const log = new AuditLog(store);
  log.checkpoint();
  log.close();
  const r = verifyLog(store, loadVerifyKey(dir, pub));
  store.close();
  assert.ok(r.problems.some((p) => p.kind === 'key' || p.kind === 'signature'), JSON.stringify(r.problems));
});

test('a rewrite re-signed with the stolen key passes alone, but not against an anchor kept elsewhere', async (t) => {
  const { openStore } = await import('../../src/store/index.ts');
  const { AuditLog, verifyLog, loadVerifyKey } = await import('../../src/audit/index.ts');
  const dir = tempDir(t);
  seedLog(dir, 20);
  const anchor = withStore(dir, (s) => s.db.prepare('SELECT seq, hash FROM audit_records WHERE seq = 15').get() as { seq: number; hash: string });
  withStore(dir, (s) => {
    s.db.prepare(`UPDATE audit_records SET body = replace(body, '"i":4', '"i":444') WHERE seq = 4`).run();
    let prev = '0'.repeat(64);
    for (const row of s.db.prepare('SELECT seq, body FROM audit_records ORDER BY seq').all() as Array<{ seq: number; body: string }>) {
      const h = recordHash(prev, row.seq, row.body);
      s.db.prepare('UPDATE audit_records SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, h, row.seq);
      prev = h;
    }
    s.db.prepare('DELETE FROM audit_checkpoints').run();
  });
  rmSync(join(dir, CHECKPOINT_FILE));
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store);
  log.checkpoint();
  log.close();
  assert.equal(verifyLog(store, loadVerifyKey(dir)).ok, true, 'undetectable from local state alone (documented limit)');
  const r = verifyLog(store, loadVerifyKey(dir), { anchor: anchor });
  assert.ok(r.problems.some((p) => p.kind === 'anchor' && p.seq === 15), JSON.stringify(r.problems));
  const gone = verifyLog(store, loadVerifyKey(dir), { anchor: { seq: 99, hash: anchor.hash } });
  assert.ok(gone.problems.some((p) => p.kind === 'truncation' && p.seq === 99));
});

test('the record hash is the documented formula, so other tools can check exports', async () => {
  const { createHash } = await import('node:crypto');
  const expected = createHash('sha256').update(`${'0'.repeat(64)}\n1\n{"ts":1,"type":"decision"}`).digest('hex');
  assert.equal(recordHash('0'.repeat(64), 1, '{"ts":1,"type":"decision"}'), expected);
});
