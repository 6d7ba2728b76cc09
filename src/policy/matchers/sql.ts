// `sql:` condition: what a SQL string does (see src/analyze/sql). kind,
// tables and functions must hold on one and the same statement; the other
// keys on the query as a whole. A table name without a schema also matches
// schema-qualified names (customers matches public.customers).
//
//   sql: { kind: [ddl, dcl] }
//   sql: { kind: read, tables: { glob: "customer*" } }
//   sql: { unparseable: true }
//   sql: { dangerous_functions: true }
//   sql: { injection: true }                       # any injection shape
//   sql: { injection: [tautology, stacked] }       # some of these shapes

import { registerMatcher, type CompileCtx, type Cond } from '../matcher.ts';
import type { SqlFacts, SqlStatement } from '../../analyze/sql/analyze.ts';
import { SQL_KINDS } from '../../analyze/sql/kinds.ts';
import { bool, mapOf, strings } from './fact-keys.ts';

const KEYS = ['kind', 'tables', 'functions', 'unparseable', 'dangerous_functions', 'executable_comment', 'multiple', 'statements', 'tautology', 'injection'];
const INJECTION_REASONS = ['tautology', 'union-constants', 'union-catalog', 'stacked', 'comment-truncation'];

function names(t: string): string[] {
  const i = t.lastIndexOf('.');
  return i === -1 ? [t] : [t, t.slice(i + 1)];
}

registerMatcher({
  key: 'sql',
  summary: 'what a SQL query does: { kind, tables, functions, unparseable, dangerous_functions, executable_comment, multiple, statements, tautology, injection }',
  compile(value: unknown, c: CompileCtx): Cond {
    const v = mapOf(value, c, 'sql', KEYS);
    const stmtTests: Array<(s: SqlStatement) => boolean> = [];
    const queryTests: Array<(f: SqlFacts) => boolean> = [];
    const parts: string[] = [];
    if (v.kind !== undefined) {
      if (typeof v.kind === 'string' || Array.isArray(v.kind)) {
        const ks = strings(v.kind, c, 'kind');
        ks.forEach((k, i) => {
          if (!(SQL_KINDS as readonly string[]).includes(k)) c.error(`unknown statement kind '${k}' (expected some of ${SQL_KINDS.join(', ')})`, Array.isArray(v.kind) ? ['kind', i] : ['kind']);
        });
      }
      const t = c.operand(v.kind, ['kind']);
      stmtTests.push((s) => t(s.kind));
      parts.push(`kind ${t.describe}`);
    }
    if (v.tables !== undefined) {
      const t = c.operand(v.tables, ['tables'], { scalar: 'glob' });
      stmtTests.push((s) => s.tables.some((x) => t(names(x))));
      parts.push(`tables ${t.describe}`);
    }
    if (v.functions !== undefined) {
      const t = c.operand(v.functions, ['functions'], { scalar: 'glob' });
      stmtTests.push((s) => t(s.functions));
      parts.push(`functions ${t.describe}`);
    }
    for (const [key, get] of [
      ['unparseable', (f: SqlFacts) => f.unparseable],
      ['dangerous_functions', (f: SqlFacts) => f.dangerousFunctions.length > 0],
      ['executable_comment', (f: SqlFacts) => f.executableComment],
      ['multiple', (f: SqlFacts) => f.multiple],
      ['tautology', (f: SqlFacts) => f.tautology],
    ] as const) {
      const want = bool(v, key, c);
      if (want === undefined) continue;
      queryTests.push((f) => get(f) === want);
      parts.push(`${key} ${want}`);
    }
    if (typeof v.injection === 'boolean') {
      const want = v.injection;
      queryTests.push((f) => f.injection.length > 0 === want);
      parts.push(`injection ${want}`);
    } else if (v.injection !== undefined) {
      // A list of shapes (some of them found), or any operator on the list of shapes found.
      if (typeof v.injection === 'string' || Array.isArray(v.injection)) {
        const rs = strings(v.injection, c, 'injection');
        rs.forEach((r, i) => {
          if (!INJECTION_REASONS.includes(r)) c.error(`unknown injection shape '${r}' (expected some of ${INJECTION_REASONS.join(', ')})`, Array.isArray(v.injection) ? ['injection', i] : ['injection']);
        });
      }
      const t = c.operand(v.injection, ['injection']);
      queryTests.push((f) => f.injection.length > 0 && t(f.injection));
      parts.push(`injection ${t.describe}`);
    }
    if (v.statements !== undefined) {
      const t = c.operand(v.statements, ['statements']);
      queryTests.push((f) => t(f.statements.length));
      parts.push(`statements ${t.describe}`);
    }
    return {
      describe: `sql ${parts.join(', ')}`,
      where: c.path,
      actual: (ctx) => {
        const f = ctx.facts.get<SqlFacts>('sql');
        if (!f.present) return undefined;
        if (f.unparseable) return `unparseable: ${f.error}`;
        const stmts = f.statements.map((s) => `${s.kind} [${s.tables.join(', ')}]`);
        return f.injection.length ? { statements: stmts, injection: f.injection } : stmts;
      },
      test(ctx) {
        const f = ctx.facts.get<SqlFacts>('sql');
        if (!f.present) return false;
        for (const t of queryTests) if (!t(f)) return false;
        if (stmtTests.length === 0) return true;
        return f.statements.some((s) => stmtTests.every((t) => t(s)));
      },
    };
  },
});
