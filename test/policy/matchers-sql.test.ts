// The sql: matcher: kinds, tables (schema-qualified or not), functions,
// query flags, and validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holds, loadError } from '../helpers/facts.ts';

const q = (query: string, dialect = 'postgres') => ({ kind: 'sql', args: { query, dialect } });

test('kind and tables hold on the same statement', async () => {
  assert.ok(await holds({ sql: { kind: ['ddl', 'dcl'] } }, q('DROP TABLE t')));
  assert.ok(await holds({ sql: { kind: ['ddl', 'dcl'] } }, q('SELECT 1; GRANT ALL ON t TO u')));
  assert.ok(!(await holds({ sql: { kind: ['ddl', 'dcl'] } }, q('SELECT 1'))));
  assert.ok(await holds({ sql: { tables: 'customers' } }, q('SELECT * FROM public.customers')));
  assert.ok(await holds({ sql: { tables: { glob: 'cust*' } } }, q('SELECT * FROM orders JOIN customer_pii USING (id)')));
  assert.ok(await holds({ sql: { kind: 'read', tables: 'orders' } }, q('SELECT * FROM orders; DELETE FROM logs')));
  assert.ok(!(await holds({ sql: { kind: 'delete', tables: 'orders' } }, q('SELECT * FROM orders; DELETE FROM logs'))));
  assert.ok(await holds({ sql: { kind: 'ddl' } }, q('SELECT 1 /*! ; DROP TABLE x */', 'mysql')));
});

test('query flags', async () => {
  assert.ok(await holds({ sql: { unparseable: true } }, q("1' OR '1'='1")));
  assert.ok(await holds({ sql: { dangerous_functions: true } }, q("SELECT pg_read_file('/etc/passwd')")));
  assert.ok(await holds({ sql: { functions: 'sleep' } }, q('SELECT sleep(5)', 'mysql')));
  assert.ok(await holds({ sql: { multiple: true } }, q('SELECT 1; SELECT 2')));
  assert.ok(await holds({ sql: { statements: { gt: 2 } } }, q('SELECT 1; SELECT 2; SELECT 3')));
  assert.ok(await holds({ sql: { executable_comment: true } }, q('SELECT 1 /*!50000 UNION SELECT 2 */', 'mysql')));
  assert.ok(!(await holds({ sql: { unparseable: false } }, { kind: 'shell', args: { command: 'ls' } })));
});

test('validation', async () => {
  assert.match(await loadError('{ sql: { kind: [schema] } }'), /unknown statement kind 'schema'/);
  assert.match(await loadError('{ sql: { table: x } }'), /unknown key 'table'/);
  assert.match(await loadError('{ sql: { unparseable: 1 } }'), /expected true or false/);
});
