import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yamlPolicy } from '../helpers/policy.ts';
import { loadPolicy } from '../../src/policy/index.ts';
import { PolicyError } from '../../src/policy/errors.ts';
import { decide } from '../../src/policy/decide.ts';

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e.message.split('\n');
    throw e;
  }
  assert.fail('expected a PolicyError');
}

test('errors name file:line:column and what was expected', () => {
  const msg = issues(() =>
    yamlPolicy(
      `version: 1
default: deny
rules:
  - id: ok
    effect: allow
  - id: bad-effect
    effect: maybe
  - id: bad-key
    effect: deny
    whenn: {}
`,
      'p.yaml',
    ),
  ).join('\n');
  assert.match(msg, /p\.yaml:7:13: rules\[1\]\.effect: .*"allow"\|"deny"\|"ask"/);
  assert.match(msg, /p\.yaml:10:5: rules\[2\]\.whenn: unknown key 'whenn'/);
});

test('every problem is reported at once: invalid regex, unknown condition, duplicate id', () => {
  const msg = issues(() =>
    yamlPolicy(
      `version: 1
rules:
  - id: a
    effect: allow
    when: { args.x: { regex: "(" } }
  - id: b
    effect: deny
    when: { bogus: 1 }
  - id: b
    effect: deny
`,
      'q.yaml',
    ),
  );
  assert.equal(msg[0], 'invalid policy (3 problems):');
  assert.match(msg[1]!, /q\.yaml:5:30: rules\[0\]\.when\.args\.x\.regex: invalid regex/);
  assert.match(msg[2]!, /q\.yaml:8:\d+: rules\[1\]\.when\.bogus: unknown condition 'bogus'/);
  assert.match(msg[3]!, /q\.yaml:9:9: rules\[2\]\.id: duplicate rule id 'b' \(first defined at q\.yaml:6\)/);
});

test('malformed YAML, wrong types, empty policy, wrong version', () => {
  assert.match(issues(() => yamlPolicy('version: 1\nrules: [\n', 'y.yaml'))[0]!, /y\.yaml:\d+:\d+: .*YAML/);
  assert.match(issues(() => yamlPolicy('version: 1\nrules: {}\n'))[0]!, /rules: .*expected array/);
  assert.match(issues(() => yamlPolicy('\n\n'))[0]!, /policy is empty/);
  assert.match(issues(() => yamlPolicy('version: 2\nrules: []\n'))[0]!, /expected version: 1/);
  assert.match(issues(() => yamlPolicy('version: 1\nversion: 1\n'))[0]!, /YAML: .*[Uu]nique|duplicate/i);
  assert.match(issues(() => yamlPolicy('version: 1\nrules:\n  - id: "has space"\n    effect: deny\n'))[0]!, /expected an id/);
});

test('a YAML alias bomb is refused quickly', () => {
  const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  const t0 = Date.now();
  assert.ok(issues(() => yamlPolicy(bomb.join('\n'))).length > 0);
  assert.ok(Date.now() - t0 < 2000);
});

test('a 10 MB policy gets a clear error, not a hang', () => {
  const big = `version: 1\nrules:\n${'  - { id: r, effect: deny }\n'.repeat(400_000)}`;
  assert.ok(big.length > 10_000_000);
  const t0 = Date.now();
  assert.match(issues(() => yamlPolicy(big))[0]!, /limit is 8388608/);
  assert.ok(Date.now() - t0 < 2000);
  const dir = mkdtempSync(join(tmpdir(), 'aw-'));
  writeFileSync(join(dir, 'big.yaml'), big);
  assert.match(issues(() => loadPolicy(join(dir, 'big.yaml')))[0]!, /big\.yaml: .*bytes; the limit is/);
});

test('policy from a path, a directory, YAML text, an object, a list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-'));
  const a = join(dir, 'a.yaml');
  writeFileSync(a, 'version: 1\ndefault: allow\nlists: { bad: [x] }\nrules:\n  - { id: a1, effect: deny, when: { tool: $bad } }\n');
  mkdirSync(join(dir, 'more'));
  writeFileSync(join(dir, 'more', '10-b.yaml'), 'version: 1\nrules:\n  - { id: b1, effect: ask, when: { tool: y } }\n');
  writeFileSync(join(dir, 'more', '20-c.yml'), 'version: 1\ndefault: deny\nrules:\n  - { id: c1, effect: allow, when: { tool: z } }\n');
  assert.equal(loadPolicy(a).rules.length, 1);
  const bundle = loadPolicy([a, join(dir, 'more')]);
  assert.deepEqual(bundle.rules.map((r) => r.id), ['a1', 'b1', 'c1']);
  assert.equal(bundle.default, 'deny', 'the strictest default of the bundle applies');
  assert.equal(decide(bundle, { kind: 'tool', tool: 'x' }).effect, 'deny');
  assert.equal(decide(bundle, { kind: 'tool', tool: 'z' }).effect, 'allow');
  assert.equal(loadPolicy('version: 1\nrules: []\n').rules.length, 0);
  assert.equal(loadPolicy({ version: 1, rules: [{ id: 'o', effect: 'allow' }] }).rules.length, 1);
  assert.match(issues(() => loadPolicy(join(dir, 'missing.yaml')))[0]!, /missing\.yaml: .*ENOENT/);
});

test('bundles reject duplicate rule ids and lists across files', () => {
  const p1 = { version: 1, lists: { l: ['a'] }, rules: [{ id: 'same', effect: 'deny' }] };
  const p2 = { version: 1, lists: { l: ['b'] }, rules: [{ id: 'same', effect: 'allow' }] };
  const msg = issues(() => loadPolicy([p1, p2])).join('\n');
  assert.match(msg, /list 'l' is already defined/);
  assert.match(msg, /duplicate rule id 'same'/);
});

test('the digest is stable under key order and changes with content', () => {
  const a = loadPolicy({ version: 1, default: 'deny', rules: [{ id: 'x', effect: 'allow', when: { tool: 't' } }] });
  const b = loadPolicy({ rules: [{ when: { tool: 't' }, effect: 'allow', id: 'x' }], default: 'deny', version: 1 });
  const c = loadPolicy({ version: 1, default: 'deny', rules: [{ id: 'x', effect: 'allow', when: { tool: 'u' } }] });
  assert.equal(a.digest, b.digest);
  assert.notEqual(a.digest, c.digest);
});
