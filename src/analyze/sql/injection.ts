// SQL injection shapes read from the parse tree, not from the text: an
// injected `' OR 1=1 --` still parses as one plain SELECT, so statement kinds
// cannot see it, but its tree can. Reported reasons:
//
//   tautology           an OR whose branch is constant-true (`OR 1=1`,
//                       `OR 'a'='a'`, `OR TRUE`, `OR 2>1`, `OR id=id`,
//                       `OR user LIKE '%'`)
//   union-constants     a UNION arm that selects only constants, NULLs or
//                       functions, without FROM, next to an arm that reads
//                       a table (`… UNION SELECT NULL, version()`)
//   union-catalog       a UNION arm that reads the system catalog
//                       (information_schema, pg_catalog, mysql.user, sqlite_master)
//   stacked             a query followed by a statement that changes
//                       something (`…'; DROP TABLE users`)
//   comment-truncation  a comment that runs to the end of the text on the
//                       line of code before it, empty or holding a quote:
//                       what is left of the original query after `--`
//                       (`… WHERE name = 'admin'--' AND password = …`)
//
// Constant evaluation is bounded (depth 64) and never throws. A legitimate
// `WHERE 1=1 AND …` (query builders) is no tautology: only an OR branch is.

import type { SqlKind } from './kinds.ts';

export type InjectionReason = 'tautology' | 'union-constants' | 'union-catalog' | 'stacked' | 'comment-truncation';

type Val = number | string | boolean | null;
type Obj = Record<string, unknown>;

const MAX_DEPTH = 64;

/** SQL truthiness as MySQL and PostgreSQL read a WHERE operand. */
function truthy(v: Val): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return /^\s*(t|true|y|yes|on)\s*$/i.test(v) || num(v) !== 0;
}

/** MySQL's string to number: the leading number, 0 when there is none. */
function num(v: Val): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return NaN;
  const n = parseFloat(v);
  return Number.isFinite(n) ? n : 0;
}

function compare(op: string, a: Val, b: Val): Val | undefined {
  if (a === null || b === null) return null;
  let c: number;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    c = x < y ? -1 : x > y ? 1 : 0;
  } else c = num(a) - num(b);
  switch (op) {
    case '=':
    case '==':
    case '<=>':
      return c === 0;
    case '<>':
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
    case '+':
      return num(a) + num(b);
    case '-':
      return num(a) - num(b);
    case '*':
      return num(a) * num(b);
  }
  return undefined;
}

/** LIKE with % and _ on constants (linear: a pattern of only wildcards, or an exact match). */
function like(s: Val, p: Val): Val | undefined {
  if (s === null || p === null) return null;
  const pat = String(p);
  if (/^%+$/.test(pat)) return true;
  if (!/[%_\\]/.test(pat)) return String(s).toLowerCase() === pat.toLowerCase();
  return undefined;
}

/** Truth of a boolean combination with SQL's three values (undefined = not constant). */
function and(vs: Array<Val | undefined>): Val | undefined {
  if (vs.some((v) => v !== undefined && v !== null && !truthy(v))) return false;
  if (vs.some((v) => v === undefined)) return undefined;
  return vs.some((v) => v === null) ? null : true;
}

function or(vs: Array<Val | undefined>): Val | undefined {
  if (vs.some((v) => v !== undefined && v !== null && truthy(v))) return true;
  if (vs.some((v) => v === undefined)) return undefined;
  return vs.some((v) => v === null) ? null : false;
}

// ---------------------------------------------------------------- PostgreSQL (libpg-query JSON)

function pgOp(name: unknown): string {
  return Array.isArray(name) ? String((name[name.length - 1] as { String?: { sval?: string } })?.String?.sval ?? '') : '';
}

/** Value of a constant PostgreSQL expression; undefined when it is not constant. */
export function pgConst(n: unknown, depth = 0): Val | undefined {
  if (!n || typeof n !== 'object' || depth > MAX_DEPTH) return undefined;
  const [type, body] = Object.entries(n as Obj)[0] ?? [];
  const b = (body ?? {}) as Obj;
  switch (type) {
    case 'A_Const': {
      if (b.isnull) return null;
      if (b.ival) return Number((b.ival as Obj).ival ?? 0);
      if (b.fval) return Number((b.fval as Obj).fval ?? 0);
      if (b.sval) return String((b.sval as Obj).sval ?? '');
      if (b.boolval) return Boolean((b.boolval as Obj).boolval ?? false);
      return undefined;
    }
    case 'TypeCast':
      return pgConst(b.arg, depth + 1);
    case 'BoolExpr': {
      const args = ((b.args ?? []) as unknown[]).map((a) => pgConst(a, depth + 1));
      if (b.boolop === 'AND_EXPR') return and(args);
      if (b.boolop === 'OR_EXPR') return or(args);
      if (b.boolop === 'NOT_EXPR') return args[0] === undefined || args[0] === null ? args[0] : !truthy(args[0]);
      return undefined;
    }
    case 'NullTest': {
      const v = pgConst(b.arg, depth + 1);
      if (v === undefined) return undefined;
      return b.nulltesttype === 'IS_NOT_NULL' ? v !== null : v === null;
    }
    case 'A_Expr': {
      const op = pgOp(b.name);
      // id = id: true for every row that has an id.
      if ((op === '=' || op === '>=' || op === '<=') && b.kind === 'AEXPR_OP' && sameColumn(b.lexpr, b.rexpr)) return true;
      // col LIKE '%': true for every row where col is set.
      if ((b.kind === 'AEXPR_LIKE' || b.kind === 'AEXPR_ILIKE') && op.startsWith('~') && allWild(pgConst(b.rexpr, depth + 1))) return true;
      const l = pgConst(b.lexpr, depth + 1);
      if (l === undefined) return undefined;
      const inList = Array.isArray(b.rexpr) ? b.rexpr : (b.rexpr as { List?: { items?: unknown[] } } | undefined)?.List?.items;
      if (b.kind === 'AEXPR_IN' && Array.isArray(inList)) {
        const items = (inList as unknown[]).map((x) => pgConst(x, depth + 1));
        const hit = or(items.map((x) => (x === undefined ? undefined : compare('=', l, x))));
        return op === '<>' ? (hit === undefined || hit === null ? hit : !truthy(hit)) : hit;
      }
      const r = pgConst(b.rexpr, depth + 1);
      if (r === undefined) return undefined;
      if (b.kind === 'AEXPR_LIKE' || b.kind === 'AEXPR_ILIKE') return op.startsWith('!') ? negate(like(l, r)) : like(l, r);
      if (b.kind === 'AEXPR_OP') return compare(op, l, r);
      return undefined;
    }
  }
  return undefined;
}

function allWild(p: Val | undefined): boolean {
  return typeof p === 'string' && /^%+$/.test(p);
}

function negate(v: Val | undefined): Val | undefined {
  return v === undefined || v === null ? v : !truthy(v);
}

function sameColumn(a: unknown, b: unknown): boolean {
  const ca = (a as { ColumnRef?: unknown } | undefined)?.ColumnRef;
  const cb = (b as { ColumnRef?: unknown } | undefined)?.ColumnRef;
  if (!ca || !cb) return false;
  const fields = (c: unknown) => JSON.stringify((c as { fields?: unknown }).fields ?? null);
  return fields(ca) === fields(cb);
}

/** A node reached by the PostgreSQL walk: `key` is its wrapper name (BoolExpr, SelectStmt, ...). */
export function pgInspect(key: string, node: Obj, out: Set<InjectionReason>): void {
  if (key === 'BoolExpr' && node.boolop === 'OR_EXPR') {
    for (const a of (node.args ?? []) as unknown[]) {
      const v = pgConst(a);
      if (v !== undefined && v !== null && truthy(v)) out.add('tautology');
    }
  } else if (key === 'SelectStmt' && node.op === 'SETOP_UNION') {
    const arms: Obj[] = [];
    const stack: unknown[] = [node];
    for (let i = 0; stack.length > 0 && i < 1000; i++) {
      const s = stack.pop() as Obj;
      if (s.op === 'SETOP_UNION') {
        for (const side of [s.larg, s.rarg]) if (side && typeof side === 'object') stack.push(side);
      } else arms.push(s);
    }
    const reads = arms.some((a) => Array.isArray(a.fromClause) && a.fromClause.length > 0);
    for (const a of arms) {
      const targets = (a.targetList ?? []) as Array<{ ResTarget?: { val?: unknown } }>;
      if (reads && !a.fromClause && targets.length > 0 && targets.every((t) => pgConstant(t.ResTarget?.val))) out.add('union-constants');
      if (pgReadsCatalog(a.fromClause)) out.add('union-catalog');
    }
  }
}

/** A select-list item that holds no column: a constant, NULL, or a call on constants (version(), user()). */
function pgConstant(v: unknown, depth = 0): boolean {
  if (!v || typeof v !== 'object' || depth > MAX_DEPTH) return false;
  if (pgConst(v) !== undefined) return true;
  const f = (v as { FuncCall?: { args?: unknown[] } }).FuncCall;
  if (f) return (f.args ?? []).every((a) => pgConstant(a, depth + 1));
  const sv = (v as { SQLValueFunction?: unknown }).SQLValueFunction;
  return sv !== undefined;
}

function pgReadsCatalog(from: unknown): boolean {
  const stack: unknown[] = [from];
  for (let i = 0; stack.length > 0 && i < 10_000; i++) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    const rv = v as { relname?: unknown; schemaname?: unknown };
    if (typeof rv.relname === 'string' && isCatalog([rv.schemaname, rv.relname].filter(Boolean).join('.'))) return true;
    for (const c of Object.values(v as Obj)) if (c && typeof c === 'object') stack.push(c);
  }
  return false;
}

// ---------------------------------------------------------------- SQLite / MySQL (sql-parser-cst)

type CstNode = { type?: string; [k: string]: unknown };

function cstOp(op: unknown): string {
  if (typeof op === 'string') return op.toUpperCase();
  if (Array.isArray(op)) return op.map((k) => String((k as CstNode).name ?? '')).join(' ').toUpperCase();
  if (op && typeof op === 'object') return String((op as CstNode).name ?? '').toUpperCase();
  return '';
}

/** Value of a constant SQLite/MySQL expression; undefined when it is not constant. */
export function cstConst(n: unknown, mysql: boolean, depth = 0): Val | undefined {
  if (!n || typeof n !== 'object' || depth > MAX_DEPTH) return undefined;
  const node = n as CstNode;
  switch (node.type) {
    case 'number_literal':
      return typeof node.value === 'number' ? node.value : Number(node.value);
    case 'string_literal':
      return String(node.value ?? '');
    case 'boolean_literal':
      return Boolean(node.value);
    case 'null_literal':
      return null;
    case 'paren_expr':
      return cstConst(node.expr, mysql, depth + 1);
    case 'prefix_op_expr': {
      const v = cstConst(node.expr, mysql, depth + 1);
      const op = cstOp(node.operator);
      if (v === undefined || v === null) return v;
      if (op === 'NOT' || op === '!') return !truthy(v);
      if (op === '-') return -num(v);
      if (op === '+') return num(v);
      return undefined;
    }
    case 'between_expr': {
      const [v, lo, hi] = [node.left, node.begin, node.end].map((x) => cstConst(x, mysql, depth + 1));
      if (v === undefined || lo === undefined || hi === undefined) return undefined;
      const r = and([compare('>=', v, lo), compare('<=', v, hi)]);
      return cstOp(node.operator).includes('NOT') ? negate(r) : r;
    }
    case 'binary_expr': {
      const op = cstOp(node.operator);
      if ((op === '=' || op === '==' || op === '>=' || op === '<=') && sameIdentifier(node.left, node.right)) return true;
      const isOr = op === 'OR' || (mysql && op === '||');
      if (isOr || op === 'AND' || op === '&&' || op === 'XOR') {
        const l = cstConst(node.left, mysql, depth + 1);
        const r = cstConst(node.right, mysql, depth + 1);
        if (isOr) return or([l, r]);
        if (op === 'XOR') return l === undefined || r === undefined ? undefined : l === null || r === null ? null : truthy(l) !== truthy(r);
        return and([l, r]);
      }
      if (op === 'LIKE' && allWild(cstConst(node.right, mysql, depth + 1))) return true;
      const l = cstConst(node.left, mysql, depth + 1);
      if (l === undefined) return undefined;
      if (op === 'IN' || op === 'NOT IN') {
        const list = (node.right as CstNode | undefined)?.expr as CstNode | undefined;
        if (list?.type !== 'list_expr') return undefined;
        const hit = or(((list.items ?? []) as unknown[]).map((x) => {
          const v = cstConst(x, mysql, depth + 1);
          return v === undefined ? undefined : compare('=', l, v);
        }));
        return op === 'IN' ? hit : negate(hit);
      }
      const r = cstConst(node.right, mysql, depth + 1);
      if (r === undefined) return undefined;
      if (op === 'IS') return r === null ? l === null : l === null ? false : truthy(l) === truthy(r);
      if (op === 'IS NOT') return r === null ? l !== null : l === null ? true : truthy(l) !== truthy(r);
      if (op === 'LIKE' || op === 'GLOB') return like(l, r);
      if (op === 'NOT LIKE') return negate(like(l, r));
      return compare(op, l, r);
    }
  }
  return undefined;
}

function sameIdentifier(a: unknown, b: unknown): boolean {
  const x = a as CstNode | undefined;
  const y = b as CstNode | undefined;
  if (!x || !y || (x.type !== 'identifier' && x.type !== 'member_expr') || x.type !== y.type) return false;
  const name = (n: CstNode): string => (n.type === 'identifier' ? String(n.name ?? '') : `${name(n.object as CstNode)}.${name(n.property as CstNode)}`);
  return name(x).toLowerCase() === name(y).toLowerCase();
}

export function cstInspect(node: CstNode, mysql: boolean, out: Set<InjectionReason>): void {
  if (node.type === 'binary_expr') {
    const op = cstOp(node.operator);
    if (op === 'OR' || (mysql && op === '||')) {
      for (const side of [node.left, node.right]) {
        const v = cstConst(side, mysql);
        if (v !== undefined && v !== null && truthy(v)) out.add('tautology');
      }
    }
  } else if (node.type === 'compound_select_stmt' && cstOp(node.operator).startsWith('UNION')) {
    const arms: CstNode[] = [];
    const stack: unknown[] = [node];
    for (let i = 0; stack.length > 0 && i < 1000; i++) {
      const s = stack.pop() as CstNode;
      if (s?.type === 'compound_select_stmt') stack.push(s.left, s.right);
      else if (s?.type === 'paren_expr') stack.push(s.expr);
      else if (s) arms.push(s);
    }
    const clauses = (a: CstNode) => ((a.clauses ?? []) as CstNode[]);
    const from = (a: CstNode) => clauses(a).find((c) => c.type === 'from_clause');
    const reads = arms.some((a) => from(a) !== undefined);
    for (const a of arms) {
      const cols = ((clauses(a).find((c) => c.type === 'select_clause')?.columns as CstNode | undefined)?.items ?? []) as unknown[];
      if (reads && a.type === 'select_stmt' && !from(a) && cols.length > 0 && cols.every((c) => cstConstant(c, mysql))) out.add('union-constants');
      const f = from(a);
      if (f && cstReadsCatalog(f.expr)) out.add('union-catalog');
    }
  }
}

function cstConstant(v: unknown, mysql: boolean, depth = 0): boolean {
  if (!v || typeof v !== 'object' || depth > MAX_DEPTH) return false;
  const node = v as CstNode;
  if (node.type === 'alias') return cstConstant(node.expr, mysql, depth + 1);
  if (cstConst(node, mysql) !== undefined) return true;
  // @@version, @@datadir: server variables.
  if (node.type === 'variable' || (typeof node.text === 'string' && node.text.startsWith('@@'))) return true;
  if (node.type === 'func_call') {
    const args = (((node.args as CstNode | undefined)?.expr as CstNode | undefined)?.args as CstNode | undefined)?.items;
    return ((args ?? []) as unknown[]).every((a) => cstConstant(a, mysql, depth + 1));
  }
  return false;
}

function cstReadsCatalog(expr: unknown): boolean {
  const stack: unknown[] = [expr];
  for (let i = 0; stack.length > 0 && i < 10_000; i++) {
    const v = stack.pop() as CstNode | undefined;
    if (!v || typeof v !== 'object') continue;
    if (v.type === 'identifier' || v.type === 'member_expr') {
      const name = (n: CstNode): string => (n.type === 'identifier' ? String(n.name ?? '') : n.type === 'member_expr' ? `${name(n.object as CstNode)}.${name(n.property as CstNode)}` : '');
      if (isCatalog(name(v))) return true;
      continue;
    }
    for (const [k, c] of Object.entries(v)) if (k !== 'range' && c && typeof c === 'object') stack.push(c);
  }
  return false;
}

// ---------------------------------------------------------------- shared

const CATALOG_SCHEMAS = new Set(['information_schema', 'pg_catalog', 'mysql', 'performance_schema', 'sys']);
const CATALOG_TABLES = new Set(['sqlite_master', 'sqlite_schema', 'sqlite_temp_master', 'pg_shadow', 'pg_authid', 'pg_user', 'pg_roles', 'pg_tables', 'pg_database', 'pg_namespace', 'pg_class', 'pg_proc', 'sysobjects', 'syscolumns', 'sysdatabases', 'all_tables', 'user_tables', 'dba_users']);

function isCatalog(name: string): boolean {
  const parts = name.toLowerCase().split('.');
  return parts.slice(0, -1).some((p) => CATALOG_SCHEMAS.has(p)) || CATALOG_TABLES.has(parts[parts.length - 1]!);
}

/** Stacked statements: a query followed by one that changes something. */
export function stacked(kinds: SqlKind[]): boolean {
  if (kinds.length < 2 || kinds[0] !== 'read') return false;
  return kinds.slice(1).some((k) => k !== 'read' && k !== 'transaction');
}

/**
 * A comment that runs from code on its line to the end of the text and is
 * empty or holds a quote. Found by a small lexer that knows SQL's quoting
 * ('…' with '' and backslash escapes, "…", `…`, $tag$…$tag$) so a `--` inside
 * a string is no comment; linear in the text.
 */
export function truncatingComment(sql: string, mysql: boolean): boolean {
  const n = sql.length;
  let i = 0;
  let lineHasCode = false;
  while (i < n) {
    const c = sql[i]!;
    if (c === '\n') {
      lineHasCode = false;
      i++;
    } else if (c === "'" || c === '"' || c === '`') {
      lineHasCode = true;
      i++;
      while (i < n) {
        if (sql[i] === '\\' && c === "'" && mysql) i += 2;
        else if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i++;
      }
      i++;
    } else if (c === '$' && !mysql) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (!m) {
        i++;
        continue;
      }
      lineHasCode = true;
      const end = sql.indexOf(m[0], i + m[0].length);
      i = end === -1 ? n : end + m[0].length;
    } else if ((c === '-' && sql[i + 1] === '-') || (c === '#' && mysql) || (c === '/' && sql[i + 1] === '*')) {
      const block = c === '/';
      const start = i + (c === '#' ? 1 : 2);
      let end = block ? sql.indexOf('*/', start) : sql.indexOf('\n', start);
      const unterminated = end === -1;
      if (end === -1) end = n;
      const body = sql.slice(start, end);
      const rest = sql.slice(block && !unterminated ? end + 2 : end);
      if (lineHasCode && rest.trim() === '' && (body.trim() === '' || /['"`]/.test(body))) return true;
      i = block && !unterminated ? end + 2 : end;
    } else {
      if (c !== ' ' && c !== '\t' && c !== '\r') lineHasCode = true;
      i++;
    }
  }
  return false;
}
