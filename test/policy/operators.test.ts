import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matches, objPolicy } from '../helpers/policy.ts';
import { decide } from '../../src/policy/decide.ts';
import { PolicyError } from '../../src/policy/errors.ts';

const m = (cond: unknown, args: Record<string, unknown>, lists?: Record<string, unknown[]>) => matches({ 'args.x': cond }, { args }, lists);

test('eq: scalar shorthand, numbers vs numeric strings, booleans, null', () => {
  assert.equal(m('a', { x: 'a' }), true);
  assert.equal(m('a', { x: 'b' }), false);
  assert.equal(m({ eq: 5 }, { x: 5 }), true);
  assert.equal(m({ eq: 5 }, { x: '5' }), true);
  assert.equal(m({ eq: '5' }, { x: 5 }), true);
  assert.equal(m({ eq: true }, { x: true }), true);
  assert.equal(m({ eq: true }, { x: 'yes' }), false);
  assert.equal(m({ eq: null }, { x: null }), true);
  assert.equal(m({ eq: 'a' }, {}), false, 'missing value is not equal');
  assert.equal(m({ eq: 'a' }, { x: { a: 1 } }), false, 'object is not equal to a string');
});

test('ne and not_in are exact negations (missing satisfies them)', () => {
  assert.equal(m({ ne: 'a' }, { x: 'b' }), true);
  assert.equal(m({ ne: 'a' }, { x: 'a' }), false);
  assert.equal(m({ ne: 'a' }, {}), true);
  assert.equal(m({ not_in: ['a', 'b'] }, { x: 'c' }), true);
  assert.equal(m({ not_in: ['a', 'b'] }, { x: ['c', 'a'] }), false, 'no element may match');
});

test('in: list shorthand, any-element semantics for array values', () => {
  assert.equal(m(['a', 'b'], { x: 'b' }), true);
  assert.equal(m(['a', 'b'], { x: 'c' }), false);
  assert.equal(m({ in: ['a', 'b'] }, { x: ['z', 'a'] }), true);
  assert.equal(m({ in: [1, 2] }, { x: '2' }), true);
  assert.equal(m({ in: [] }, { x: 'a' }), false);
});

test('named lists with $name, and $$ escapes a literal dollar', () => {
  assert.equal(m('$hosts', { x: 'b.com' }, { hosts: ['a.com', 'b.com'] }), true);
  assert.equal(m({ in: '$hosts' }, { x: 'c.com' }, { hosts: ['a.com', 'b.com'] }), false);
  assert.equal(m({ prefix: '$pfx' }, { x: '/etc/passwd' }, { pfx: ['/etc/', '/root/'] }), true);
  assert.equal(m('$$HOME', { x: '$HOME' }), true);
  assert.throws(() => m('$nope', { x: 'a' }), (e: unknown) => e instanceof PolicyError && /unknown list '\$nope'/.test(e.message));
});

test('glob: *, ?, classes, anchored, no catastrophic backtracking', () => {
  assert.equal(m({ glob: 'fs_*' }, { x: 'fs_write' }), true);
  assert.equal(m({ glob: 'fs_*' }, { x: 'xfs_write' }), false);
  assert.equal(m({ glob: 'a?c' }, { x: 'abc' }), true);
  assert.equal(m({ glob: 'a?c' }, { x: 'abbc' }), false);
  assert.equal(m({ glob: '[a-c]x' }, { x: 'bx' }), true);
  assert.equal(m({ glob: '[!a-c]x' }, { x: 'bx' }), false);
  assert.equal(m({ glob: 'a\\*' }, { x: 'a*' }), true);
  assert.equal(m({ glob: 'a\\*' }, { x: 'ab' }), false);
  const t0 = Date.now();
  assert.equal(m({ glob: '*a*a*a*a*a*a*a*a*b' }, { x: 'a'.repeat(20000) }), false);
  assert.ok(Date.now() - t0 < 2000, 'glob must stay polynomial');
});

test('regex: re2 syntax, unanchored, linear time, ignore_case, invalid rejected at load', () => {
  assert.equal(m({ regex: '^rm\\s' }, { x: 'rm -rf' }), true);
  assert.equal(m({ regex: 'secret' }, { x: 'my SECRET' }), false);
  assert.equal(m({ regex: 'secret', ignore_case: true }, { x: 'my SECRET' }), true);
  const t0 = Date.now();
  assert.equal(m({ regex: '(a+)+$' }, { x: `${'a'.repeat(50000)}b` }), false);
  assert.ok(Date.now() - t0 < 2000, 'regex must be linear time');
  assert.throws(() => m({ regex: '(' }, { x: 'a' }), /invalid regex/);
  assert.throws(() => m({ regex: '(?=x)' }, { x: 'a' }), /invalid regex/, 'lookahead is not linear: rejected');
});

test('numeric comparisons: numbers and numeric strings; other types fail closed', () => {
  assert.equal(m({ gt: 10 }, { x: 11 }), true);
  assert.equal(m({ gt: 10 }, { x: 10 }), false);
  assert.equal(m({ gte: 10 }, { x: 10 }), true);
  assert.equal(m({ lt: 10 }, { x: '9.5' }), true);
  assert.equal(m({ lte: 10 }, { x: 11 }), false);
  assert.equal(m({ gt: 1, lt: 5 }, { x: 3 }), true, 'operators in one object are AND');
  assert.equal(m({ gt: 1, lt: 5 }, { x: 7 }), false);
  assert.equal(m({ gt: 10 }, {}), false, 'missing is not greater');
  assert.equal(m({ gt: 10 }, { x: [1, 20] }), true, 'any element');
  assert.throws(() => m({ gt: 10 }, { x: 'lots' }), /expected a number/);
  assert.throws(() => m({ gt: 10 }, { x: { n: 1 } }), /expected a number/);
  assert.throws(() => m({ gt: 'ten' }, { x: 1 }), /expected a number/);
});

test('exists', () => {
  assert.equal(m({ exists: true }, { x: 0 }), true);
  assert.equal(m({ exists: true }, {}), false);
  assert.equal(m({ exists: false }, {}), true);
  assert.equal(matches({ 'args.*': { exists: true } }, { args: {} }), false);
  assert.equal(matches({ 'args.*': { exists: true } }, { args: { a: 1 } }), true);
});

test('prefix, suffix, contains (strings and arrays), ignore_case', () => {
  assert.equal(m({ prefix: '/etc/' }, { x: '/etc/shadow' }), true);
  assert.equal(m({ prefix: '/etc/' }, { x: '/tmp/etc/' }), false);
  assert.equal(m({ suffix: ['.pem', '.key'] }, { x: 'id.key' }), true);
  assert.equal(m({ contains: 'DROP', ignore_case: true }, { x: 'drop table' }), true);
  assert.equal(m({ contains: 'b' }, { x: ['a', 'b'] }), true);
  assert.equal(m({ prefix: 'a' }, { x: 12 }), false);
  assert.equal(m({ prefix: '1' }, { x: 12 }), true, 'numbers are compared as text');
  assert.throws(() => m({ prefix: 'a' }, { x: { y: 1 } }), /expected a string/);
});

test('not operator negates its operand', () => {
  assert.equal(m({ not: { prefix: '/tmp/' } }, { x: '/etc/x' }), true);
  assert.equal(m({ not: { prefix: '/tmp/' } }, { x: '/tmp/x' }), false);
});

test('strings are NFKC-normalized before comparison', () => {
  assert.equal(m('rm', { x: 'ｒｍ' }), true, 'fullwidth letters fold to ASCII');
  assert.equal(m({ prefix: '/etc' }, { x: '／etc/passwd' }), true);
});

test('field paths: nested, wildcards, principal, context; own properties only', () => {
  assert.equal(matches({ 'args.a.b': 1 }, { args: { a: { b: 1 } } }), true);
  assert.equal(matches({ 'args.list.1': 'y' }, { args: { list: ['x', 'y'] } }), true);
  assert.equal(matches({ 'args.*': { contains: 'evil' } }, { args: { a: 'ok', b: 'so evil' } }), true);
  assert.equal(matches({ 'args.**': { contains: 'evil' } }, { args: { a: { deep: ['x', { y: 'evil' }] } } }), true);
  assert.equal(matches({ 'args.*': { contains: 'evil' } }, { args: { a: { deep: 'evil' } } }), false, '* is one level; objects inside are skipped');
  assert.equal(matches({ 'principal.roles': 'admin' }, { principal: { id: 'a', roles: ['dev', 'admin'] } }), true);
  assert.equal(matches({ 'principal.attributes.auth': 'oauth' }, { principal: { id: 'a', attributes: { auth: 'oauth' } } }), true);
  assert.equal(matches({ 'context.env': 'prod' }, { context: { env: 'prod' } }), true);
  assert.equal(matches({ session: 's1' }, { session: 's1' }), true);
  assert.equal(matches({ 'args.constructor': { exists: true } }, { args: {} }), false, 'prototype is not reachable');
  assert.equal(matches({ 'args.__proto__': { exists: true } }, { args: JSON.parse('{"__proto__": {"x": 1}}') }), true, 'an own __proto__ key is data');
});

test('kind and tool take globs; unknown kinds are rejected at load', () => {
  assert.equal(matches({ kind: 'file.*' }, { kind: 'file.write' }), true);
  assert.equal(matches({ tool: ['a', 'fs_*'] }, { tool: 'fs_read' }), true);
  assert.throws(() => objPolicy({ version: 1, rules: [{ id: 'r', effect: 'deny', when: { kind: 'shel' } }] }), /unknown action kind 'shel'/);
});

test('combinators all / any / not', () => {
  const when = { any: [{ 'args.a': 1 }, { all: [{ 'args.b': 2 }, { not: { 'args.c': 3 } }] }] };
  assert.equal(matches(when, { args: { a: 1 } }), true);
  assert.equal(matches(when, { args: { b: 2 } }), true);
  assert.equal(matches(when, { args: { b: 2, c: 3 } }), false);
  assert.throws(() => matches({ any: [] }, {}), /non-empty list/);
});

test('unknown operators, fields and condition keys are load errors naming the place', () => {
  assert.throws(() => m({ regexp: 'x' }, {}), /unknown operator 'regexp'/);
  assert.throws(() => matches({ 'agent.id': 'x' }, {}), /unknown condition 'agent.id'/);
  assert.throws(() => matches({ 'principal.name': 'x' }, {}), /unknown principal field 'name'/);
  assert.throws(() => matches({ 'args.**.x': 'x' }, {}), /'\*\*' may only end a field path/);
});

test('a type error in a rule makes the decision deny, even for an allow rule', () => {
  const p = objPolicy({ version: 1, default: 'allow', rules: [{ id: 'small', effect: 'allow', when: { 'args.n': { lt: 10 } } }] });
  const d = decide(p, { kind: 'tool', tool: 't', args: { n: 'abc' } });
  assert.equal(d.effect, 'deny');
  assert.deepEqual(d.rules, ['small']);
  assert.match(d.reasons[0]!, /could not be evaluated: expected a number/);
});
