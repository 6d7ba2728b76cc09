import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemorySessionStore, SessionTracker, extractValues, keysOfValue } from '../../src/session/index.ts';
import { History } from '../../src/session/history.ts';
import { harness } from './helpers.ts';

const ALLOW = { effect: 'allow' as const, rules: [], reasons: [], policyDigest: '', evalNs: 0 };

test('many sessions: the least recently used are evicted, the store stays bounded', () => {
  const store = new MemorySessionStore({ maxSessions: 100, maxAgents: 10 });
  const t = new SessionTracker(store);
  for (let i = 0; i < 5_000; i++) t.record({ kind: 'tool', tool: 'x', session: `s${i}`, principal: { id: `a${i}` } }, ALLOW);
  const st = store.stats();
  assert.equal(st.sessions, 100);
  assert.equal(st.agents, 10);
  assert.equal(st.evictedSessions, 4_900);
  assert.ok(store.getSession('s4999'));
  assert.equal(store.getSession('s0'), undefined);
});

test('long sessions: history and tracked values are bounded, oldest evicted', () => {
  const store = new MemorySessionStore({ maxHistory: 50, maxValues: 200 });
  const t = new SessionTracker(store);
  for (let i = 0; i < 1_000; i++) {
    t.record({ kind: 'tool', tool: 'x', session: 's', args: { i } }, ALLOW);
    t.ingest('s', `mail user${i}@example.com`, { origin: 'tool', tool: 'inbox' });
  }
  const s = store.getSession('s')!;
  assert.equal(s.steps, 1_000);
  assert.equal(s.history.size, 50);
  assert.equal(s.history.back(0)?.args?.i, 999);
  assert.ok(s.values.size <= 200);
  assert.ok(s.evicted > 0, 'eviction is counted');
  assert.ok(s.lookup('user999@example.com'), 'newest kept');
  assert.equal(s.lookup('user0@example.com'), undefined, 'oldest evicted');
});

test('huge values: arguments and ingested text are cut, never a crash', async () => {
  const h = await harness([{ id: 'p', effect: 'ask', when: { tool: 'send', provenance: { 'args.body': { from: 'injected' } } } }], { store: new MemorySessionStore({ maxIngestBytes: 64 * 1024, maxValueLength: 128 }) });
  const big = `${'A'.repeat(3_000_000)} evil@x.example`;
  const r = h.tracker.ingest('s1', big, { origin: 'tool', tool: 'get_webpage', injected: true });
  assert.equal(r.truncated, true, 'reported as truncated');
  const huge = 'b'.repeat(900_000);
  const d = h.fw.guard(h.act('send', { body: huge }));
  assert.ok(['allow', 'ask'].includes(d.effect));
  const s = h.tracker.store.getSession('s1')!;
  const last = s.history.back(0)!;
  assert.ok(String(last.args?.body).length <= 256, 'history keeps a bounded copy');
  for (const k of s.values.keys()) assert.ok(k.length <= 128);
  const over = h.fw.guard(h.act('send', { body: 'x'.repeat(2 * 1024 * 1024) }));
  assert.equal(over.effect, 'deny', 'an action over the engine bound is refused with a clear reason');
  assert.match(over.reasons.join(' '), /larger than/);
});

test('invalid limits are refused clearly', () => {
  assert.throws(() => new MemorySessionStore({ maxHistory: 0 }), /maxHistory must be a positive integer/);
});

test('property: a history keeps exactly the newest `capacity` entries in order, every field intact', () => {
  const entry = fc.record(
    {
      step: fc.integer({ min: 1, max: 1e9 }),
      t: fc.integer({ min: 0, max: 4e12 }),
      kind: fc.constantFrom('tool', 'shell', 'http'),
      tool: fc.option(fc.constantFrom('a', 'b', 'send_money'), { nil: undefined }),
      args: fc.option(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer())), { nil: undefined }),
      principal: fc.option(fc.constantFrom('p1', 'p2'), { nil: undefined }),
      session: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
      effect: fc.constantFrom('allow' as const, 'ask' as const, 'deny' as const),
      rules: fc.option(fc.array(fc.constantFrom('r1', 'r2'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      past: fc.option(fc.constant({ e: ['k1', 'k2'], m: ['k2'] }), { nil: undefined }),
    },
    { requiredKeys: ['step', 't', 'kind', 'effect'] },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.array(entry, { maxLength: 60 }), (cap, items) => {
      const h = new History(cap);
      for (const x of items) h.push(x);
      const plain = (e: unknown) => JSON.parse(JSON.stringify(e)) as unknown;
      assert.deepEqual(h.toArray().map(plain), items.slice(-cap).map(plain));
      assert.equal(h.size, Math.min(cap, items.length));
      if (items.length > 0) {
        const last = items.at(-1)!;
        assert.equal(h.tAt(0), last.t);
        assert.equal(h.stepAt(0), last.step);
        assert.equal(h.effectAt(0), last.effect);
        assert.equal(h.toolAt(0), last.tool);
        assert.deepEqual(h.pastAt(0), last.past);
      }
    }),
  );
});

test('property: an IBAN is one value whatever its spacing and case', () => {
  const iban = fc.tuple(fc.constantFrom('DE', 'GB', 'FR', 'CH'), fc.integer({ min: 10, max: 99 }), fc.array(fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'.split('')), { minLength: 14, maxLength: 26 }));
  fc.assert(
    fc.property(iban, fc.boolean(), ([cc, check, rest], lower) => {
      const compact = `${cc}${check}${rest.join('')}`;
      const spaced = compact.replace(/(.{4})/g, '$1 ').trim();
      const inText = extractValues(`Please pay ${spaced} by Friday.`).filter((v) => v.kind === 'iban').map((v) => v.value);
      const arg = keysOfValue(lower ? compact.toLowerCase() : compact).whole;
      assert.ok(inText.includes(arg), `${spaced} -> ${inText.join(',')} vs ${arg}`);
    }),
  );
});

test('property: extraction never throws and stays bounded on arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 2000 }), (s) => {
      const out = extractValues(s, { words: true, max: 50 });
      assert.ok(out.length <= 50);
    }),
  );
});

test('URLs: scheme, case, trailing slash and default port are normalized; host is a fallback key', () => {
  assert.deepEqual(keysOfValue('HTTPS://www.Example.com:443/a/'), { whole: 'www.example.com/a', host: 'www.example.com' });
  assert.equal(keysOfValue('www.example.com').whole, 'www.example.com');
  const v = extractValues('see http://www.example.com/a/ and mail Bob@Example.COM').map((x) => `${x.kind}:${x.value}`);
  assert.ok(v.includes('url:www.example.com/a'));
  assert.ok(v.includes('email:bob@example.com'));
  assert.ok(v.includes('host:example.com'));
});

test('a flood of words does not evict identifiers (an injected IBAN stays known)', () => {
  const store = new MemorySessionStore({ maxValues: 100 });
  const t = new SessionTracker(store);
  t.ingest('s', 'Pay XX99 1234 5678 9012 3456 7890 now', { origin: 'tool', tool: 'page', injected: true });
  t.ingest('s', Array.from({ length: 5_000 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}x`).join(' ').replace(/\d/g, 'q'), { origin: 'tool', tool: 'page2' });
  assert.equal(store.getSession('s')!.lookup('xx9912345678901234567890')?.mask, 2 | 4);
  assert.ok(store.getSession('s')!.words.size <= 100);
});

test('SQLite store: sessions beyond maxSessions are deleted, least recently updated first', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { SqliteSessionStore } = await import('../../src/session/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'aw-sq-'));
  try {
    const store = new SqliteSessionStore({ dataDir: dir, limits: { maxSessions: 5 } });
    const t = new SessionTracker(store);
    for (let i = 0; i < 20; i++) t.record({ kind: 'tool', tool: 'x', session: `s${i}` }, ALLOW);
    t.record({ kind: 'tool', tool: 'x', session: 's19' }, ALLOW);
    const st = store.stats();
    assert.equal(st.sessions, 5);
    assert.equal(st.evictedSessions, 15);
    store.close();
    const again = new SqliteSessionStore({ dataDir: dir, limits: { maxSessions: 5 } });
    assert.equal(again.getSession('s0'), undefined);
    assert.equal(again.getSession('s19')?.steps, 2);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});

test('a failed write marks the session and the agent: their decisions deny until a write succeeds', async () => {
  const store = new MemorySessionStore();
  let broken = true;
  const flaky = Object.create(store) as MemorySessionStore;
  flaky.updateSession = (id, change) => {
    if (broken) throw new Error('disk full');
    store.updateSession(id, change);
  };
  const h = await harness([{ id: 'r', effect: 'deny', when: { tool: 'x', rate: { max: 100, per: '1m', key: ['session'] } } }], { store: flaky });
  assert.equal(h.fw.guard(h.act('x')).effect, 'allow', 'decided before the failed write');
  const d = h.fw.guard(h.act('x'));
  assert.equal(d.effect, 'deny');
  assert.match(d.reasons.join(' '), /incomplete/);
  assert.throws(() => h.tracker.ingest('s1', 'text', { origin: 'user' }), /disk full/);
  broken = false;
  h.tracker.ingest('s1', 'text', { origin: 'user' }); // a successful write clears the mark
  assert.equal(h.fw.guard(h.act('x')).effect, 'allow');
});
