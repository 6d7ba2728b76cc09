// Parses a SQL string with a real parser for its dialect (libpg-query for
// PostgreSQL, sql-parser-cst for SQLite and MySQL) and reports, per
// statement, its kind, the tables it names and the functions it calls. A
// string no parser accepts is a fact (`unparseable`), never a guess: the
// templates deny it. MySQL executable comments are turned into code first.
// Injection shapes (tautologies, UNION probes, stacked statements, comment
// truncation) come from the same walk: see injection.ts.

import { parseSync as pgParse } from 'libpg-query';
import { createRequire } from 'node:module';
import type { parse as CstParse } from 'sql-parser-cst';
import { unhideExecutableComments } from './mysql-comments.ts';
import { DANGEROUS_FUNCTIONS, worst, type SqlKind } from './kinds.ts';
import { cstInspect, pgInspect, stacked, truncatingComment, type InjectionReason } from './injection.ts';

// sql-parser-cst is a large generated parser (~35 MB resident once loaded):
// loaded on the first SQLite/MySQL statement, so a gateway or hook that never
// sees one does not pay for it. It is CommonJS, so loading stays synchronous.
let cstParseFn: typeof CstParse | undefined;
function cstParse(...a: Parameters<typeof CstParse>): ReturnType<typeof CstParse> {
  cstParseFn ??= (createRequire(import.meta.url)('sql-parser-cst') as { parse: typeof CstParse }).parse;
  return cstParseFn(...a);
}

export type SqlDialect = 'postgres' | 'sqlite' | 'mysql';

export interface SqlStatement {
  kind: SqlKind;
  /** Parser's statement type: SelectStmt, drop_table_stmt, ... */
  type: string;
  tables: string[];
  functions: string[];
}

export interface SqlFacts {
  present: boolean;
  /** Dialect that parsed the text (the requested one, or the first that accepted it). */
  dialect?: SqlDialect;
  statements: SqlStatement[];
  /** Kinds of all statements (deduplicated). */
  kinds: SqlKind[];
  tables: string[];
  functions: string[];
  /** Called functions that read files, run commands, sleep or reach other servers. */
  dangerousFunctions: string[];
  unparseable: boolean;
  error?: string;
  /** MySQL `/*! … *\/` executable comments were present (and analyzed as code). */
  executableComment: boolean;
  /** More than one statement. */
  multiple: boolean;
  /** Some OR branch is constant-true (`OR 1=1`, `OR 'a'='a'`): see injection.ts. */
  tautology: boolean;
  /** Injection shapes found in the parse tree: tautology, union-constants, union-catalog, stacked, comment-truncation. */
  injection: InjectionReason[];
}

export const MAX_SQL_CHARS = 128 * 1024;

export function emptySqlFacts(present: boolean): SqlFacts {
  return { present, statements: [], kinds: [], tables: [], functions: [], dangerousFunctions: [], unparseable: false, executableComment: false, multiple: false, tautology: false, injection: [] };
}

export function normalizeDialect(d: unknown): SqlDialect | undefined | 'invalid' {
  if (d === undefined || d === null || d === '') return undefined;
  if (typeof d !== 'string') return 'invalid';
  const x = d.toLowerCase();
  if (x === 'postgres' || x === 'postgresql' || x === 'pg') return 'postgres';
  if (x === 'sqlite' || x === 'sqlite3') return 'sqlite';
  if (x === 'mysql' || x === 'mariadb') return 'mysql';
  return 'invalid';
}

/** Analyzes a SQL string. Never throws. */
export function analyzeSql(query: string, dialect?: SqlDialect): SqlFacts {
  const f = emptySqlFacts(true);
  if (query.length > MAX_SQL_CHARS) return { ...f, unparseable: true, error: `query longer than ${MAX_SQL_CHARS} characters` };
  if (query.includes('\u0000')) return { ...f, unparseable: true, error: 'query contains a NUL byte' };
  const { sql, found } = unhideExecutableComments(query);
  f.executableComment = found;
  const order: SqlDialect[] = dialect ? [dialect] : ['postgres', 'mysql', 'sqlite'];
  let firstError: string | undefined;
  for (const d of order) {
    try {
      const signals = new Set<InjectionReason>();
      const statements = d === 'postgres' ? postgres(sql, signals) : cst(sql, d, signals);
      if (stacked(statements.map((s) => s.kind))) signals.add('stacked');
      if (truncatingComment(sql, d === 'mysql')) signals.add('comment-truncation');
      return finish({ ...f, dialect: d, statements, tautology: signals.has('tautology'), injection: [...signals] });
    } catch (e) {
      firstError ??= `${d}: ${String((e as Error)?.message ?? e).split('\n', 1)[0]!.slice(0, 200)}`;
    }
  }
  return { ...f, unparseable: true, error: firstError ?? 'no parser accepted the query' };
}

function finish(f: SqlFacts): SqlFacts {
  if (f.statements.length === 0) return { ...f, unparseable: true, error: 'no statement' };
  f.kinds = [...new Set(f.statements.map((s) => s.kind))];
  f.tables = [...new Set(f.statements.flatMap((s) => s.tables))];
  f.functions = [...new Set(f.statements.flatMap((s) => s.functions))];
  f.dangerousFunctions = f.functions.filter((fn) => DANGEROUS_FUNCTIONS.has(fn));
  f.multiple = f.statements.length > 1;
  return f;
}

// ---------------------------------------------------------------- PostgreSQL

const PG_DCL = new Set(['GrantStmt', 'GrantRoleStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt', 'AlterDefaultPrivilegesStmt', 'ReassignOwnedStmt', 'DropOwnedStmt', 'CreateUserMappingStmt', 'AlterUserMappingStmt', 'DropUserMappingStmt', 'AlterPolicyStmt', 'CreatePolicyStmt', 'AlterOwnerStmt']);
const PG_ADMIN = new Set(['AlterSystemStmt', 'VacuumStmt', 'ClusterStmt', 'ReindexStmt', 'CheckPointStmt', 'LoadStmt', 'DoStmt', 'CallStmt', 'VariableSetStmt', 'CreateExtensionStmt', 'AlterExtensionStmt', 'LockStmt', 'DiscardStmt', 'ListenStmt', 'NotifyStmt', 'UnlistenStmt', 'PrepareStmt', 'ExecuteStmt', 'DeallocateStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt', 'AlterDatabaseSetStmt', 'AlterDatabaseStmt', 'CreatedbStmt', 'DropdbStmt', 'CreateSubscriptionStmt', 'AlterSubscriptionStmt', 'CreatePublicationStmt', 'CreateFdwStmt', 'CreateForeignServerStmt', 'ImportForeignSchemaStmt', 'ConstraintsSetStmt', 'AlterTableSpaceOptionsStmt', 'CreateEventTrigStmt', 'SecLabelStmt', 'AlterCollationStmt', 'RefreshMatViewStmt', 'CreateConversionStmt']);

function pgKind(type: string, node: Record<string, unknown>): SqlKind {
  switch (type) {
    case 'SelectStmt':
      return node.intoClause ? 'write' : 'read';
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'MergeStmt':
      return 'write';
    case 'DeleteStmt':
    case 'TruncateStmt':
      return 'delete';
    case 'CopyStmt':
      // COPY … TO/FROM a server file or program runs with the server's rights.
      if (node.is_program || node.filename) return 'admin';
      return node.is_from ? 'write' : 'read';
    case 'TransactionStmt':
      return 'transaction';
    case 'VariableShowStmt':
    case 'DeclareCursorStmt':
    case 'FetchStmt':
    case 'ClosePortalStmt':
      return 'read';
    case 'ExplainStmt':
      return 'read';
  }
  if (PG_DCL.has(type)) return 'dcl';
  if (PG_ADMIN.has(type)) return 'admin';
  if (/^(Create|Alter|Drop|Rename|Comment|Define|Index|View|CompositeType|Rule)/.test(type) || type.endsWith('Stmt') && /Trig|Func|Seq|Domain|Enum|Range|Schema|Table|Type|Cast|Opclass|Opfamily|Statistics|Transform|Am|Plang/.test(type)) return 'ddl';
  return 'admin';
}

function pgName(items: unknown): string {
  if (!Array.isArray(items)) return '';
  return items.map((i) => (i as { String?: { sval?: string } })?.String?.sval ?? '').filter(Boolean).join('.');
}

function postgres(sql: string, signals: Set<InjectionReason>): SqlStatement[] {
  const res = pgParse(sql) as { stmts?: Array<{ stmt?: Record<string, unknown> }> };
  const out: SqlStatement[] = [];
  for (const raw of res.stmts ?? []) {
    const stmt = raw.stmt;
    if (!stmt) continue;
    const type = Object.keys(stmt)[0] ?? 'unknown';
    let kind: SqlKind = pgKind(type, (stmt[type] ?? {}) as Record<string, unknown>);
    const tables = new Set<string>();
    const ctes = new Set<string>();
    const functions = new Set<string>();
    // Iterative walk: nested statements (CTEs, subqueries, EXPLAIN ANALYZE) fold into the kind.
    const stack: unknown[] = [stmt[type]];
    if (type === 'SelectStmt') pgInspect(type, stmt[type] as Record<string, unknown>, signals);
    let explainAnalyze = false;
    if (type === 'ExplainStmt') {
      const opts = ((stmt[type] as Record<string, unknown>).options ?? []) as Array<{ DefElem?: { defname?: string } }>;
      explainAnalyze = opts.some((o) => o.DefElem?.defname === 'analyze');
    }
    for (let steps = 0; stack.length > 0 && steps < 200_000; steps++) {
      const v = stack.pop();
      if (Array.isArray(v)) {
        for (const x of v) stack.push(x);
        continue;
      }
      if (!v || typeof v !== 'object') continue;
      // RangeVar nodes appear both wrapped ({RangeVar: {...}}) and bare (InsertStmt.relation).
      const rv = v as { schemaname?: string; relname?: unknown; catalogname?: string; ctename?: unknown };
      if (typeof rv.relname === 'string') tables.add([rv.catalogname, rv.schemaname, rv.relname].filter(Boolean).join('.').toLowerCase());
      if (typeof rv.ctename === 'string') ctes.add(rv.ctename.toLowerCase());
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if ((k === 'BoolExpr' || k === 'SelectStmt') && child && typeof child === 'object') pgInspect(k, child as Record<string, unknown>, signals);
        if (k === 'FuncCall' && child && typeof child === 'object') {
          const fn = (child as { funcname?: unknown[] }).funcname ?? [];
          const last = fn[fn.length - 1] as { String?: { sval?: string } } | undefined;
          if (last?.String?.sval) functions.add(last.String.sval.toLowerCase());
        } else if (/^[A-Z]\w*Stmt$/.test(k) && child && typeof child === 'object' && (type !== 'ExplainStmt' || explainAnalyze)) {
          kind = worst(kind, pgKind(k, child as Record<string, unknown>));
        }
        if (child && typeof child === 'object') stack.push(child);
      }
    }
    if (type === 'DropStmt' || type === 'TruncateStmt') {
      const objs = (stmt[type] as { objects?: unknown[] }).objects ?? [];
      for (const o of objs) {
        const list = (o as { List?: { items?: unknown[] } }).List?.items;
        const n = list ? pgName(list) : '';
        if (n) tables.add(n.toLowerCase());
      }
    }
    // A CTE name is not a table (WITH q AS (...) SELECT * FROM q).
    out.push({ kind, type, tables: [...tables].filter((t) => !ctes.has(t)), functions: [...functions] });
  }
  return out;
}

// ------------------------------------------------------------ SQLite / MySQL

type CstNode = { type?: string; [k: string]: unknown };

function cstKind(type: string, node: CstNode): SqlKind | undefined {
  if (type === 'select_stmt' || type === 'compound_select_stmt') {
    const clauses = (node.clauses ?? []) as CstNode[];
    if (clauses.some((c) => c.type === 'into_outfile_clause' || c.type === 'into_dumpfile_clause')) return 'admin';
    if (clauses.some((c) => c.type === 'into_variables_clause' || c.type === 'into_table_clause')) return 'write';
    return 'read';
  }
  if (type === 'insert_stmt' || type === 'update_stmt' || type === 'replace_stmt' || type === 'merge_stmt') return 'write';
  if (type === 'delete_stmt' || type === 'truncate_stmt') return 'delete';
  if (/^(grant|revoke)/.test(type) || /^(create|drop|alter|rename)_(user|role)/.test(type) || type === 'set_password_stmt') return 'dcl';
  if (/^(create|drop|alter|rename)_/.test(type) || type === 'comment_stmt') return 'ddl';
  if (/^(start_transaction|begin|commit|rollback|savepoint|release_savepoint)/.test(type)) return 'transaction';
  if (type === 'explain_stmt' || type === 'show_stmt' || type === 'describe_stmt' || type === 'values_clause') return 'read';
  if (type.endsWith('_stmt')) return 'admin';
  return undefined;
}

function cstName(n: CstNode | undefined): string {
  if (!n) return '';
  if (n.type === 'identifier') return String(n.name ?? n.text ?? '');
  if (n.type === 'member_expr') {
    const a = cstName(n.object as CstNode);
    const b = cstName(n.property as CstNode);
    return a && b ? `${a}.${b}` : a || b;
  }
  if (n.type === 'alias') return cstName(n.expr as CstNode);
  return '';
}

/** Table names in a FROM/JOIN/INSERT/UPDATE/DROP position. */
function cstTables(n: unknown, out: Set<string>, depth = 0): void {
  if (!n || typeof n !== 'object' || depth > 64) return;
  const node = n as CstNode;
  switch (node.type) {
    case 'identifier':
    case 'member_expr': {
      const name = cstName(node);
      if (name) out.add(name.toLowerCase());
      return;
    }
    case 'alias':
      return cstTables(node.expr, out, depth + 1);
    case 'join_expr':
      cstTables(node.left, out, depth + 1);
      cstTables(node.right, out, depth + 1);
      return;
    case 'list_expr':
      for (const i of (node.items ?? []) as unknown[]) cstTables(i, out, depth + 1);
      return;
    case 'table_without_inheritance':
    case 'table_with_inheritance':
    case 'indexed_table_ref':
    case 'unindexed_table_ref':
      return cstTables(node.table, out, depth + 1);
  }
}

const TABLE_KEYS = new Set(['table', 'tables']);

function cst(sql: string, dialect: 'sqlite' | 'mysql', signals: Set<InjectionReason>): SqlStatement[] {
  const root = cstParse(sql, { dialect, includeComments: false }) as unknown as { statements: CstNode[] };
  const out: SqlStatement[] = [];
  for (const stmt of root.statements) {
    if (!stmt || stmt.type === 'empty') continue;
    const type = String(stmt.type);
    let kind: SqlKind = cstKind(type, stmt) ?? 'unknown';
    const tables = new Set<string>();
    const functions = new Set<string>();
    if (/^(create|drop|alter|rename)_/.test(type) && stmt.name) cstTables(stmt.name, tables);
    const stack: Array<{ v: unknown; key: string }> = [{ v: stmt, key: '' }];
    for (let steps = 0; stack.length > 0 && steps < 200_000; steps++) {
      const { v, key } = stack.pop()!;
      if (Array.isArray(v)) {
        for (const x of v) stack.push({ v: x, key });
        continue;
      }
      if (!v || typeof v !== 'object') continue;
      const node = v as CstNode;
      if (node !== stmt && node.type) {
        const k = cstKind(node.type, node);
        if (k && node.type !== 'values_clause') kind = worst(kind, k);
      }
      if (node.type === 'binary_expr' || node.type === 'compound_select_stmt') cstInspect(node, dialect === 'mysql', signals);
      if (node.type === 'from_clause') cstTables(node.expr, tables);
      if (node.type === 'func_call') {
        const name = cstName(node.name as CstNode);
        if (name) functions.add(name.toLowerCase().split('.').pop()!);
      }
      if (TABLE_KEYS.has(key)) cstTables(node, tables);
      for (const [k, child] of Object.entries(node)) if (child && typeof child === 'object' && k !== 'range') stack.push({ v: child, key: k });
    }
    out.push({ kind, type, tables: [...tables], functions: [...functions] });
  }
  return out;
}
