// Compiles one or more policy sources into a CompiledPolicy: validated,
// with every condition turned into a closure, and rules indexed by action kind
// and tool name so a decision touches only the rules that can match.
// All problems are collected and thrown together as one PolicyError; a policy
// that fails to compile never produces a CompiledPolicy (and so never allows).

import { createHash } from 'node:crypto';
import type { Effect, ApprovalRequirement } from '../action.ts';
import type { Cond, PastCond } from './matcher.ts';
import { EFFECT_RANK, ACTION_KINDS } from '../action.ts';
import { CompileIssue, PolicyError, formatPath, type PolicyIssue, type PolicyPath } from './errors.ts';
import type { PolicySource } from './load.ts';
import { policySchema, durationMs, type PolicyDoc, type RuleDoc } from './schema.ts';
import { and, compileConditions, type BaseCtx, type CondGroup } from './conditions.ts';
import { getSection } from './sections.ts';
import { compileGlob } from './glob.ts';
import './matchers/index.ts';

export type Mode = 'enforce' | 'monitor';

export interface CompiledRule {
  readonly id: string;
  readonly effect: Effect;
  readonly mode: Mode;
  readonly reason: string;
  readonly when: CondGroup;
  readonly unless: CondGroup | undefined;
  readonly approval: ApprovalRequirement | undefined;
  /** Declaration order across the bundle. */
  readonly order: number;
  /** "file:line" of the rule, for explain and audit. */
  readonly where: string;
}

/** Candidate rules for one (kind, tool), grouped for the precedence walk. */
export interface Candidates {
  readonly deny: readonly CompiledRule[];
  readonly ask: readonly CompiledRule[];
  readonly allow: readonly CompiledRule[];
  readonly monitor: readonly CompiledRule[];
}

export interface CompiledPolicy {
  readonly digest: string;
  readonly default: Effect;
  /** 'monitor' when every file of the bundle is in monitor mode: decide, report, allow. */
  readonly mode: Mode;
  readonly rules: readonly CompiledRule[];
  readonly lists: ReadonlyMap<string, readonly unknown[]>;
  /** Registered sections (scan:, audit:, ...) after validation and merge. */
  readonly sections: Readonly<Record<string, unknown>>;
  readonly files: readonly string[];
  /** Conditions on past actions (after/rate/budget `match`), evaluated when an action is recorded (policy/past.ts). */
  readonly pastConditions: readonly PastCond[];
  candidates(kind: string, tool: string): Candidates;
}

/** Part of every PastCond key: bump when the meaning of a fact or condition changes, so memos recorded before are not trusted. */
const PAST_KEY_VERSION = 1;

const DEFAULT_APPROVAL_TIMEOUT_MS = 5 * 60_000;

export function compilePolicy(sources: readonly PolicySource[]): CompiledPolicy {
  if (sources.length === 0) throw new PolicyError([{ path: [], message: 'no policy given' }]);
  const issues: PolicyIssue[] = [];
  const locate = (src: PolicySource, path: PolicyPath): { line?: number; column?: number } => src.locate(path) ?? {};
  const issue = (src: PolicySource, path: PolicyPath, message: string) => issues.push({ file: src.file, path, message, ...locate(src, path) });

  // 1. Structure.
  const schema = policySchema();
  const docs: Array<{ src: PolicySource; doc: PolicyDoc }> = [];
  for (const src of sources) {
    const r = schema.safeParse(src.doc);
    if (!r.success) {
      for (const zi of r.error.issues) {
        const path = zi.path.filter((p): p is string | number => typeof p !== 'symbol');
        if (zi.code === 'unrecognized_keys') {
          for (const k of zi.keys) issue(src, [...path, k], `unknown key '${k}'${hint(path)}`);
        } else {
          issue(src, path, zi.message);
        }
      }
    } else docs.push({ src, doc: r.data as PolicyDoc });
  }
  if (issues.length > 0) throw new PolicyError(issues);

  // 2. Lists, sections, defaults.
  const lists = new Map<string, readonly unknown[]>();
  const listOrigin = new Map<string, string>();
  const sections: Record<string, unknown> = {};
  const sectionOrigin = new Map<string, string>();
  let defaultEffect: Effect | undefined;
  let allMonitor = true;
  for (const { src, doc } of docs) {
    for (const [name, items] of Object.entries(doc.lists ?? {})) {
      if (lists.has(name)) issue(src, ['lists', name], `list '${name}' is already defined in ${listOrigin.get(name)}`);
      else {
        lists.set(name, items);
        listOrigin.set(name, src.file);
      }
    }
    for (const key of Object.keys(doc)) {
      const def = getSection(key);
      if (!def || doc[key] === undefined) continue;
      if (key in sections) {
        if (def.merge) sections[key] = def.merge(sections[key], doc[key]);
        else issue(src, [key], `section '${key}' is already defined in ${sectionOrigin.get(key)}`);
      } else {
        sections[key] = doc[key];
        sectionOrigin.set(key, src.file);
      }
    }
    if (doc.default && (!defaultEffect || EFFECT_RANK[doc.default] > EFFECT_RANK[defaultEffect])) defaultEffect = doc.default;
    if (doc.mode !== 'monitor') allMonitor = false;
  }

  // 3. Rules.
  const pastConds = new Map<string, PastCond>();
  const listsJson = canonicalJson(Object.fromEntries(lists));
  const past = (raw: unknown, cond: Cond): PastCond => {
    const key = createHash('sha256').update(`${PAST_KEY_VERSION}\n${canonicalJson(raw)}\n${listsJson}`).digest('base64url').slice(0, 16);
    let p = pastConds.get(key);
    if (!p) pastConds.set(key, (p = { key, cond }));
    return p;
  };
  const rules: CompiledRule[] = [];
  const index: IndexEntry[] = [];
  const ruleOrigin = new Map<string, string>();
  for (const { src, doc } of docs) {
    const fileMode: Mode = doc.mode ?? 'enforce';
    const base: BaseCtx = {
      error: (message, path = []) => {
        throw new CompileIssue(message, path);
      },
      list: (name, path = []) => {
        const l = lists.get(name);
        if (!l) throw new CompileIssue(`unknown list '$${name}'${lists.size ? ` (defined: ${[...lists.keys()].join(', ')})` : ' (no lists are defined)'}`, path);
        return l;
      },
      past,
    };
    (doc.rules ?? []).forEach((r, i) => {
      const at: PolicyPath = ['rules', i];
      const pos = locate(src, at);
      const where = pos.line !== undefined ? `${src.file}:${pos.line}` : `${src.file}#${formatPath(at)}`;
      if (ruleOrigin.has(r.id)) {
        issue(src, [...at, 'id'], `duplicate rule id '${r.id}' (first defined at ${ruleOrigin.get(r.id)})`);
        return;
      }
      ruleOrigin.set(r.id, where);
      if (r.approval && r.effect !== 'ask') issue(src, [...at, 'approval'], `'approval' only applies to rules with effect: ask`);
      for (const k of literalSet(r.when?.kind, 'kind') ?? []) {
        if (!(ACTION_KINDS as readonly string[]).includes(k)) issue(src, [...at, 'when', 'kind'], `unknown action kind '${k}' (expected one of ${ACTION_KINDS.join(', ')}, or a glob)`);
      }
      if (r.enabled === false) return;
      try {
        const full = compileConditions(r.when ?? {}, [...at, 'when'], base);
        const unless = r.unless ? compileConditions(r.unless, [...at, 'unless'], base) : undefined;
        const idx = indexOf(r, [...at, 'when']);
        // Literal kind/tool conditions are guaranteed by the index lookup: the
        // decision-time test skips them; explain still shows them.
        const keys = Object.keys(r.when ?? {});
        const guaranteed = (i: number) => (keys[i] === 'kind' && idx.kinds !== null) || (keys[i] === 'tool' && idx.tools !== null);
        const rest = full.children.filter((_, i) => !guaranteed(i));
        const when: CondGroup = rest.length === full.children.length ? full : { ...full, test: and(rest, full.where).test };
        const rule: CompiledRule = {
          id: r.id,
          effect: r.effect,
          mode: fileMode === 'monitor' || r.mode === 'monitor' ? 'monitor' : 'enforce',
          reason: r.reason ?? r.description ?? defaultReason(r),
          when,
          unless,
          approval:
            r.effect === 'ask'
              ? { approvers: r.approval?.approvers ?? 1, timeoutMs: r.approval?.timeout !== undefined ? durationMs(r.approval.timeout) : DEFAULT_APPROVAL_TIMEOUT_MS }
              : undefined,
          order: rules.length,
          where,
        };
        rules.push(rule);
        index.push({ rule, ...idx });
      } catch (e) {
        if (e instanceof CompileIssue) issue(src, e.path, e.message);
        else issue(src, at, `internal error while compiling rule '${r.id}': ${(e as Error).message}`);
      }
    });
  }
  if (issues.length > 0) throw new PolicyError(issues);

  const digest = `sha256:${createHash('sha256').update(canonicalJson(docs.map((d) => d.doc))).digest('hex')}`;
  return {
    digest,
    default: defaultEffect ?? 'deny',
    mode: allMonitor ? 'monitor' : 'enforce',
    rules,
    lists,
    sections,
    files: sources.map((s) => s.file),
    pastConditions: [...pastConds.values()],
    candidates: buildIndex(index),
  };
}

function defaultReason(r: RuleDoc): string {
  return `${r.effect === 'allow' ? 'allowed' : r.effect === 'deny' ? 'denied' : 'approval required'} by rule ${r.id}`;
}

function hint(path: PolicyPath): string {
  if (path.length === 0) return ' (expected version, name, description, default, mode, lists, rules, or a registered section)';
  if (path.length === 2 && path[0] === 'rules') return ' (expected id, effect, when, unless, reason, description, mode, enabled, tags, approval)';
  return '';
}

// ---- Index ---------------------------------------------------------------

interface IndexEntry {
  rule: CompiledRule;
  /** Exact kinds, or null for "any kind" (absent, glob or computed). */
  kinds: string[] | null;
  tools: string[] | null;
}

/** Literal kind/tool values at the top of `when` make a rule indexable. */
function indexOf(r: RuleDoc, _where: PolicyPath): { kinds: string[] | null; tools: string[] | null } {
  const when = r.when ?? {};
  return { kinds: literalSet(when.kind, 'kind'), tools: literalSet(when.tool, 'tool') };
}

function literalSet(v: unknown, _field: string): string[] | null {
  const vals = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (!vals || vals.length === 0) return null;
  const out: string[] = [];
  for (const x of vals) {
    if (typeof x !== 'string' || x.startsWith('$')) return null;
    if (!compileGlob(x).literal) return null;
    if (x.includes('\\')) return null;
    out.push(x);
  }
  return out;
}

const ANY = '\u0000*';

function buildIndex(entries: IndexEntry[]): (kind: string, tool: string) => Candidates {
  // bucket[kind][tool] -> rules; ANY for "any kind" / "any tool".
  const buckets = new Map<string, Map<string, CompiledRule[]>>();
  const knownTools = new Set<string>();
  const add = (k: string, t: string, r: CompiledRule) => {
    let m = buckets.get(k);
    if (!m) buckets.set(k, (m = new Map()));
    let l = m.get(t);
    if (!l) m.set(t, (l = []));
    l.push(r);
  };
  for (const e of entries) {
    for (const k of e.kinds ?? [ANY]) {
      for (const t of e.tools ?? [ANY]) {
        add(k, t, e.rule);
        if (t !== ANY) knownTools.add(t);
      }
    }
  }
  const get = (k: string, t: string) => buckets.get(k)?.get(t) ?? [];
  const group = (lists: CompiledRule[][]): Candidates => {
    const seen = new Set<CompiledRule>();
    const all: CompiledRule[] = [];
    for (const l of lists) for (const r of l) if (!seen.has(r)) (seen.add(r), all.push(r));
    all.sort((a, b) => a.order - b.order);
    const c = { deny: [] as CompiledRule[], ask: [] as CompiledRule[], allow: [] as CompiledRule[], monitor: [] as CompiledRule[] };
    for (const r of all) (r.mode === 'monitor' ? c.monitor : c[r.effect]).push(r);
    return c;
  };
  // Per kind, the rules that apply whatever the tool: precomputed, so unknown
  // (possibly hostile, unbounded) tool names never grow a cache.
  const byKind = new Map<string, Candidates>();
  const kinds = new Set<string>([...ACTION_KINDS, ...buckets.keys()]);
  for (const k of kinds) byKind.set(k, group([get(k, ANY), get(ANY, ANY)]));
  const anyKind = group([get(ANY, ANY)]);
  // Known tools: computed on first use; bounded by (kinds x tools named in the policy).
  const exact = new Map<string, Candidates>();
  return (kind, tool) => {
    if (!knownTools.has(tool)) return byKind.get(kind) ?? anyKind;
    const key = `${kind}\u0000${tool}`;
    let c = exact.get(key);
    if (!c) {
      c = group([get(kind, tool), get(kind, ANY), get(ANY, tool), get(ANY, ANY)]);
      if (byKind.has(kind)) exact.set(key, c);
    }
    return c;
  };
}

/** JSON with sorted keys: the digest does not depend on key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
