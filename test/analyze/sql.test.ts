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

test('injection shapes come from the parse tree, in every dialect', () => {
  const inj = (q: string, d?: 'postgres' | 'sqlite' | 'mysql') => {
    const f = analyzeSql(q, d);
    assert.equal(f.unparseable, false, `${d}: ${q}: ${f.error}`);
    return f.injection;
  };
  for (const d of ['postgres', 'sqlite', 'mysql'] as const) {
    for (const q of [
      "SELECT * FROM users WHERE name = '' OR '1'='1'", "SELECT * FROM users WHERE name = '' OR 'a'='a'", 'SELECT * FROM t WHERE id = 1 OR 1=1',
      'SELECT * FROM t WHERE id = 1 OR TRUE', 'SELECT * FROM t WHERE id = 1 OR 2>1', 'SELECT * FROM t WHERE id = 1 OR 1', "SELECT * FROM t WHERE a = 'x' OR 1 IN (1, 2)",
      "SELECT * FROM t WHERE a = 'x' OR (1=1 AND 2=2)", "SELECT * FROM t WHERE a = 'x' OR NOT 1=2", "SELECT * FROM t WHERE a = 'x' OR id = id", "SELECT * FROM t WHERE a = 'x' OR 'x' LIKE '%'", "SELECT * FROM t WHERE a = '' OR username LIKE '%'",
      "DELETE FROM t WHERE a = 'x' OR 1=1", "UPDATE t SET a = 1 WHERE b = '' OR ''=''", 'SELECT * FROM t WHERE a IN (SELECT b FROM u WHERE c = 1 OR 1=1)',
    ]) {
      assert.ok(inj(q, d).includes('tautology'), `${d}: ${q}`);
      assert.equal(analyzeSql(q, d).tautology, true);
    }
    assert.ok(inj('SELECT name FROM items WHERE id = 1 UNION SELECT NULL, NULL', d).includes('union-constants'), d);
    assert.ok(inj("SELECT name FROM items WHERE id = 1 UNION ALL SELECT 'a', version()", d).includes('union-constants'), d);
    assert.ok(inj('SELECT name FROM items WHERE id = 1 UNION SELECT name FROM sqlite_master', d).includes('union-catalog'), d);
    assert.ok(inj("SELECT * FROM items WHERE name = ''; DROP TABLE users", d).includes('stacked'), d);
    assert.ok(inj("SELECT * FROM items WHERE name = ''; DELETE FROM users", d).includes('stacked'), d);
    assert.ok(inj("SELECT * FROM users WHERE name = 'admin'--' AND password = 'x'", d).includes('comment-truncation'), d);
    assert.ok(inj('SELECT * FROM users WHERE id = 1 --', d).includes('comment-truncation'), d);
    // Legitimate shapes: no injection.
    for (const q of [
      'SELECT * FROM t WHERE 1=1 AND a = 2', 'SELECT * FROM t WHERE a = 1 OR b = 2', "SELECT * FROM t WHERE a = 'x -- y'", 'SELECT * FROM t WHERE a = 1 OR 1=0',
      'SELECT * FROM t WHERE a = 1 OR NULL', 'SELECT a FROM t UNION SELECT b FROM u', "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      'SELECT 1; SELECT 2', 'BEGIN; UPDATE t SET a = 1; COMMIT', "SELECT * FROM t -- the t table\nWHERE a = 1", "SELECT * FROM t WHERE a = 1 -- the answer", 'SELECT a OR b FROM t',
    ]) assert.deepEqual(inj(q, d), [], `${d}: ${q}`);
  }
  // MySQL: || is OR, # starts a comment.
  assert.ok(inj("SELECT * FROM t WHERE a = '' || 1=1", 'mysql').includes('tautology'));
  assert.ok(inj("SELECT * FROM t WHERE a = 'admin'#' AND b = 'x'", 'mysql').includes('comment-truncation'));
  assert.deepEqual(inj("SELECT * FROM t WHERE a = 'x' || 'y'", 'postgres'), []);
});

test('injection analysis of hostile input stays bounded', () => {
  const ors = `SELECT * FROM t WHERE ${Array.from({ length: 2000 }, (_, i) => `a = ${i}`).join(' OR ')} OR 1=1`;
  const nested = `SELECT * FROM t WHERE a = 1 OR ${'('.repeat(300)}1=1${')'.repeat(300)}`;
  for (const d of ['postgres', 'sqlite', 'mysql'] as const) {
    const t0 = Date.now();
    const f = analyzeSql(ors, d);
    assert.ok(f.unparseable || f.tautology, d);
    assert.equal(typeof analyzeSql(nested, d).tautology, 'boolean');
    assert.ok(Date.now() - t0 < 10_000, d);
  }
  fc.assert(fc.property(fc.stringMatching(/^[-'"`#$/*\n a-z=1]{0,60}$/), (s) => {
    const f = analyzeSql(`SELECT * FROM t WHERE a = ${s}`);
    return Array.isArray(f.injection);
  }), { numRuns: 300 });
});
