// The built binary: check, explain, policy validate, policy test; documented exit codes
// (0 allow / ok, 1 deny / failed, 2 ask, 3 error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aw-cli-'));
const policy = join(dir, 'policy.yaml');
writeFileSync(
  policy,
  `version: 1
default: deny
rules:
  - id: reads
    effect: allow
    when: { tool: read_file }
  - id: big-trades
    effect: ask
    when: { tool: trade, args.amount: { gt: 10000 } }
  - id: trades
    effect: allow
    when: { tool: trade }
  - id: no-etc
    effect: deny
    when: { tool: read_file, args.path: { prefix: /etc/ } }
    reason: system files are off limits
`,
);
const action = (o: object) => JSON.stringify(o);

test('check: exit codes for allow, deny, ask and error', () => {
  assert.equal(cli(['check', '-p', policy, action({ kind: 'tool', tool: 'read_file', args: { path: 'a.txt' } })]).code, 0);
  const deny = cli(['check', '-p', policy, action({ kind: 'tool', tool: 'read_file', args: { path: '/etc/passwd' } })]);
  assert.equal(deny.code, 1);
  assert.match(deny.stdout, /^deny \(no-etc\)\n  system files are off limits/);
  assert.equal(cli(['check', '-p', policy, action({ kind: 'tool', tool: 'trade', args: { amount: 20000 } })]).code, 2);
  const bad = cli(['check', '-p', policy, '{not json']);
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /not valid JSON/);
  assert.equal(cli(['check', '-p', join(dir, 'missing.yaml'), '{}']).code, 3);
  assert.equal(cli(['check', '--bogus-flag']).code, 3);
});

test('check: --json and stdin', () => {
  const r = cli(['check', '-p', policy, '--json', '-'], { input: action({ kind: 'tool', tool: 'trade', args: { amount: 5 } }) });
  assert.equal(r.code, 0);
  const d = JSON.parse(r.stdout);
  assert.equal(d.effect, 'allow');
  assert.deepEqual(d.rules, ['trades']);
  assert.match(d.policyDigest, /^sha256:/);
  assert.equal(typeof d.evalNs, 'number');
  const invalid = cli(['check', '-p', policy, '--json', action({ kind: 'teleport' })]);
  assert.equal(invalid.code, 1, 'an invalid action is a deny, not a crash');
  assert.match(JSON.parse(invalid.stdout).reasons[0], /unknown kind 'teleport'/);
});

test('explain: shows matched rules and why others did not match', () => {
  const r = cli(['explain', '-p', policy, action({ kind: 'tool', tool: 'trade', args: { amount: 20000 } })]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /decision: ask by big-trades/);
  assert.match(r.stdout, /✔ big-trades \[ask\] matched/);
  assert.match(r.stdout, /✔ trades \[allow\] matched/);
  const r2 = cli(['explain', '-p', policy, '--json', action({ kind: 'tool', tool: 'trade', args: { amount: 5 } })]);
  const x = JSON.parse(r2.stdout);
  const big = x.rules.find((r: { id: string }) => r.id === 'big-trades');
  assert.equal(big.status, 'not-matched');
  assert.match(big.detail, /args.amount > 10000 did not hold \(actual: 5\)/);
  assert.equal(x.rules.find((r: { id: string }) => r.id === 'reads').status, 'not-applicable');
});

test('policy validate: ok, and errors with file:line:column', () => {
  const ok = cli(['policy', 'validate', policy]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /valid: 4 rule\(s\) in 1 file\(s\), default deny/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'version: 1\nrules:\n  - id: a\n    effect: allow\n    when: { args.x: { regex: "[" } }\n  - id: a\n    effect: deny\n');
  const r = cli(['policy', 'validate', bad]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /bad\.yaml:5:\d+: rules\[0\]\.when\.args\.x\.regex: invalid regex/);
  assert.match(r.stderr, /bad\.yaml:6:\d+: rules\[1\]\.id: duplicate rule id 'a'/);
  const json = JSON.parse(cli(['policy', 'validate', '--json', bad]).stdout);
  assert.equal(json.valid, false);
  assert.equal(json.issues.length, 2);
});

test('policy test: summary and non-zero exit on failure', () => {
  const cases = join(dir, 'cases.yaml');
  writeFileSync(
    cases,
    `cases:
  - name: reading a file is fine
    action: { kind: tool, tool: read_file, args: { path: a.txt } }
    expect: allow
  - name: big trades ask
    action: { kind: tool, tool: trade, args: { amount: 50000 } }
    expect: ask
    rules: [big-trades]
`,
  );
  const ok = cli(['policy', 'test', policy, cases]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /PASS: 2\/2/);
  const failing = join(dir, 'failing.yaml');
  writeFileSync(failing, `cases:\n  - name: wrong\n    action: { kind: tool, tool: read_file, args: { path: /etc/x } }\n    expect: allow\n`);
  const r = cli(['policy', 'test', policy, failing]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL: .*failing\.yaml:2: wrong: expected allow, got deny/);
  assert.match(r.stdout, /FAIL: 1\/1/);
  const malformed = join(dir, 'malformed.yaml');
  writeFileSync(malformed, 'cases:\n  - name: x\n    expect: maybe\n');
  assert.equal(cli(['policy', 'test', policy, malformed]).code, 3);
});
