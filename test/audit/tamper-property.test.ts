// Property: whatever single tampering is done with raw SQL on a closed log
// (fully covered by signed checkpoints), verify does not report it intact.
// The one thing it cannot prove is a record forged *after* the last
// checkpoint; that one must show up as an unsigned tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordHash } from '../../src/audit/chain.ts';
import { seedLog, tempDir, verifyDir, withStore } from './helpers.ts';
import type { Db } from '../../src/store/index.ts';

const N = 24;

type Op =
  | { kind: 'body'; seq: number; pos: number }
  | { kind: 'column'; seq: number; col: 'principal' | 'effect' | 'tool' | 'ts' | 'session' | 'rules' | 'type' }
  | { kind: 'hash'; seq: number }
  | { kind: 'delete'; seq: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'rechain-edit'; seq: number }
  | { kind: 'drop-checkpoint'; nth: number }
  | { kind: 'append' };

const seqArb = fc.integer({ min: 1, max: N });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('body' as const), seq: seqArb, pos: fc.nat() }),
  fc.record({ kind: fc.constant('column' as const), seq: seqArb, col: fc.constantFrom('principal', 'effect', 'tool', 'ts', 'session', 'rules', 'type') }),
  fc.record({ kind: fc.constant('hash' as const), seq: seqArb }),
  fc.record({ kind: fc.constant('delete' as const), seq: seqArb }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.integer({ min: 0, max: N - 1 }) }),
  fc.record({ kind: fc.constant('swap' as const), a: seqArb, b: seqArb }).filter((o) => o.a !== o.b),
  fc.record({ kind: fc.constant('rechain-edit' as const), seq: seqArb }),
  fc.record({ kind: fc.constant('drop-checkpoint' as const), nth: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const) }),
);

function rechainFrom(db: Db, from: number): void {
  let prev = from === 1 ? '0'.repeat(64) : (db.prepare('SELECT hash FROM audit_records WHERE seq = ?').get(from - 1) as { hash: string }).hash;
  for (const r of db.prepare('SELECT seq, body FROM audit_records WHERE seq >= ? ORDER BY seq').all(from) as Array<{ seq: number; body: string }>) {
    const h = recordHash(prev, r.seq, r.body);
    db.prepare('UPDATE audit_records SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, h, r.seq);
    prev = h;
  }
}

function apply(db: Db, op: Op): void {
  switch (op.kind) {
    case 'body': {
      const { body } = db.prepare('SELECT body FROM audit_records WHERE seq = ?').get(op.seq) as { body: string };
      const i = op.pos % body.length;
      const c = body[i] === '1' ? '2' : '1';
      db.prepare('UPDATE audit_records SET body = ? WHERE seq = ?').run(body.slice(0, i) + c + body.slice(i + 1), op.seq);
      return;
    }
    case 'column': {
      const v = op.col === 'ts' ? 42 : op.col === 'rules' ? '["forged"]' : 'forged';
      db.prepare(`UPDATE audit_records SET ${op.col} = ? WHERE seq = ?`).run(v, op.seq);
      return;
    }
    case 'hash':
      db.prepare("UPDATE audit_records SET hash = ? WHERE seq = ?").run('f'.repeat(64), op.seq);
      return;
    case 'delete':
      db.prepare('DELETE FROM audit_records WHERE seq = ?').run(op.seq);
      return;
    case 'truncate':
      db.prepare('DELETE FROM audit_records WHERE seq > ?').run(op.keep);
      return;
    case 'swap':
      db.prepare('UPDATE audit_records SET seq = -1 WHERE seq = ?').run(op.a);
      db.prepare('UPDATE audit_records SET seq = ? WHERE seq = ?').run(op.a, op.b);
      db.prepare('UPDATE audit_records SET seq = ? WHERE seq = -1').run(op.b);
      return;
    case 'rechain-edit':
      db.prepare(`UPDATE audit_records SET body = replace(body, '"i":', '"i":9') WHERE seq = ?`).run(op.seq);
      rechainFrom(db, op.seq);
      return;
    case 'drop-checkpoint': {
      const ids = (db.prepare('SELECT id FROM audit_checkpoints ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
      db.prepare('DELETE FROM audit_checkpoints WHERE id = ?').run(ids[op.nth % ids.length]!);
      return;
    }
    case 'append': {
      const last = db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
      const body = JSON.stringify({ ts: 1, type: 'decision', effect: 'allow', principal: 'mallory' });
      db.prepare('INSERT INTO audit_records (seq, ts, type, principal, effect, body, prev_hash, hash) VALUES (?, 1, ?, ?, ?, ?, ?, ?)').run(
        last.seq + 1, 'decision', 'mallory', 'allow', body, last.hash, recordHash(last.hash, last.seq + 1, body),
      );
      return;
    }
  }
}

test('any single tampering of a checkpointed log is reported', (t) => {
  const golden = tempDir(t);
  seedLog(golden, N, { checkpointEvery: 4 });
  assert.equal(verifyDir(golden).ok, true);
  fc.assert(
    fc.property(opArb, (op) => {
      const dir = mkdtempSync(join(tmpdir(), 'agentwall-prop-'));
      try {
        for (const f of readdirSync(golden)) copyFileSync(join(golden, f), join(dir, f));
        withStore(dir, (s) => apply(s.db, op));
        const r = verifyDir(dir);
        if (op.kind === 'append') return !r.ok || r.unsignedTail > 0;
        return !r.ok;
      } finally {
        rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      }
    }),
    { numRuns: 100 },
  );
});
