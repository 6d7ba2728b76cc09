// SQL analysis: statement kinds per dialect, tables, multi-statement strings,
// comments, MySQL executable comments, and input no parser accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadSqlAnalyzer, analyzeSql } from '../../src/analyze/sql/index.ts';

const analyzer = await loadSqlAnalyzer();
const kinds = (q: string, d?: 'postgres' | 'sqlite' | 'mysql') => analyzeSql(q, d).statements.map((s) => s.kind);

test('kinds per dialect', () => {
  for (const d of ['postgres', 'sqlite', 'mysql'] as const) {
    assert.deepEqual(kinds('SELECT a FROM t WHERE b = 1', d), ['read'], d);
    assert.deepEqual(kinds("INSERT INTO t (a) VALUES (1)", d), ['write'], d);
    assert.deepEqual(kinds('UPDATE t SET a = 1', d), ['write'], d);
    assert.deepEqual(kinds('DELETE FROM t', d), ['delete'], d);
    assert.deepEqual(kinds('CREATE TABLE t (a int)', d), ['ddl'], d);
    assert.deepEqual(kinds('DROP TABLE t', d), ['ddl'], d);
    assert.deepEqual(kinds('ALTER TABLE t ADD COLUMN b int', d), ['ddl'], d);
  }
  assert.deepEqual(kinds('GRANT SELECT ON t TO bob', 'postgres'), ['dcl']);
  assert.deepEqual(kinds('CREATE ROLE r', 'postgres'), ['dcl']);
  assert.deepEqual(kinds('TRUNCATE t', 'postgres'), ['delete']);
  assert.deepEqual(kinds('ALTER SYSTEM SET work_mem = 1', 'postgres'), ['admin']);
  assert.deepEqual(kinds("COPY t TO PROGRAM 'id'", 'postgres'), ['admin']);
  assert.deepEqual(kinds('VACUUM', 'postgres'), ['admin']);
  assert.deepEqual(kinds('BEGIN', 'postgres'), ['transaction']);
  assert.deepEqual(kinds('PRAGMA foreign_keys = off', 'sqlite'), ['admin']);
  assert.deepEqual(kinds("ATTACH DATABASE 'x.db' AS x", 'sqlite'), ['admin']);
  assert.deepEqual(kinds("SELECT 1 INTO OUTFILE '/tmp/x'", 'mysql'), ['admin']);
  // A CTE that deletes inside a SELECT is a delete.
  assert.deepEqual(kinds('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'postgres'), ['delete']);
});

test('tables, functions, multiple statements and comments', () => {
  const f = analyzeSql('SELECT * FROM public.customers c JOIN orders o ON c.id = o.cid; -- note\n/* x */ DELETE FROM audit', 'postgres');
  assert.deepEqual(f.statements.map((s) => s.kind), ['read', 'delete']);
  assert.deepEqual(f.statements[0]!.tables.sort(), ['orders', 'public.customers']);
  assert.deepEqual(f.tables.sort(), ['audit', 'orders', 'public.customers']);
  assert.ok(f.multiple);
  const g = analyzeSql("SELECT pg_read_file('/etc/passwd'), pg_sleep(5)", 'postgres');
  assert.deepEqual(g.dangerousFunctions.sort(), ['pg_read_file', 'pg_sleep']);
  assert.deepEqual(analyzeSql('SELECT name FROM singer JOIN concert ON 1=1', 'sqlite').tables.sort(), ['concert', 'singer']);
  assert.deepEqual(analyzeSql('DROP TABLE a, b', 'mysql').tables.sort(), ['a', 'b']);
});

test('MySQL executable comments are code', () => {
  const f = analyzeSql('SELECT 1 /*!50000 ; DROP TABLE users */', 'mysql');
  assert.ok(f.executableComment);
  assert.ok(f.kinds.includes('ddl'));
  assert.deepEqual(analyzeSql("SELECT '/*! not a comment */'", 'mysql').executableComment, false);
  assert.ok(analyzeSql('SELECT 1 /*! UNION SELECT password FROM users */').executableComment);
});

test('unparseable is a fact, with the parser error', () => {
  for (const q of ["1' OR '1'='1", "admin'--", 'SELECT FROM WHERE', "'; EXEC xp_cmdshell 'dir'--", '']) {
    const f = analyzeSql(q);
    assert.ok(f.unparseable, q);
    assert.ok(f.error, q);
  }
  const a = analyzer.analyze({ kind: 'sql', args: { query: 'SELECT 1', dialect: 'oracle' } });
  assert.ok(a.unparseable && /unknown dialect/.test(a.error ?? ''));
  assert.ok(analyzer.analyze({ kind: 'sql', args: {} }).unparseable);
  assert.equal(analyzer.analyze({ kind: 'shell', args: { command: 'ls' } }).present, false);
});

test('bad input: huge, deeply nested, NUL, garbage', () => {
  assert.ok(analyzeSql(`SELECT ${'1+'.repeat(200_000)}1`).unparseable);
  const deep = `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`;
  const t0 = Date.now();
  const f = analyzeSql(deep);
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(typeof f.unparseable, 'boolean');
  assert.ok(analyzeSql('SELECT 1\u0000; DROP TABLE t').unparseable);
  fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => typeof analyzeSql(s).unparseable === 'boolean'), { numRuns: 300 });
});
