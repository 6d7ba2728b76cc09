// Loads the prompt-injection corpora of ../shared/corpora/injection into one
// labeled list, for training (scripts/train-injection.ts) and evaluation
// (eval/injection.eval.ts). Deterministic: files and lines in sorted order,
// BIPIA attack placement chosen by a hash of the context, not a clock.
//
// BIPIA gives clean contexts (emails, tables, code questions) and attack
// instructions separately; like the BIPIA benchmark we insert an attack at the
// start, middle or end of a context. Each sample carries a `group` (the attack
// or the source line), so cross-validation never splits one attack string
// across training and test folds.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Sample {
  text: string;
  label: 0 | 1;
  source: string;
  group: string;
  /** Where the attack sits inside `text`, when known (BIPIA). */
  span?: { start: number; end: number };
  /** False for samples kept out of training (still evaluated). */
  trainable?: boolean;
  /**
   * Which classifier head trains on it (default both): `input` scores prompts,
   * `response` scores data (tool output). An ordinary request is benign as a
   * prompt but an injection when it sits inside data.
   */
  head?: 'input' | 'response';
}

/**
 * BIPIA attack categories that are ordinary user requests ("What is the
 * capital of Brazil?"). They are injections only by where they appear; as
 * text they are indistinguishable from legitimate input, and training on them
 * teaches the classifier to block normal questions. Evaluated, not trained on.
 */
export const CONTEXT_ONLY_CATEGORIES = ['Information Retrieval', 'Content Creation', 'Learning and Tutoring', 'Language Translation', 'Programming Help'];

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const INJECTION_DIR = process.env.AGENTWALL_CORPORA
  ? join(process.env.AGENTWALL_CORPORA, 'injection')
  : resolve(REPO, '..', 'shared', 'corpora', 'injection');

export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function jsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function loadDeepset(dir = INJECTION_DIR): Sample[] {
  return jsonl(join(dir, 'deepset-train.jsonl')).map((r, i) => ({ text: String(r.text), label: r.label === 1 ? 1 : 0, source: 'deepset', group: `deepset:${i}` }));
}

/** ai-seclists: one payload per line; `benign__*` files are the negatives. Literal "\n" in a line means a newline. */
export function loadSeclists(dir = INJECTION_DIR): Sample[] {
  const d = join(dir, 'ai-seclists');
  const out: Sample[] = [];
  for (const f of readdirSync(d).filter((f) => f.endsWith('.txt')).sort()) {
    const label = f.startsWith('benign__') ? 0 : 1;
    readFileSync(join(d, f), 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      out.push({ text: line.replace(/\\n/g, '\n'), label, source: `seclists:${f.replace(/\.txt$/, '')}`, group: `seclists:${f}:${i}` });
    });
  }
  return out;
}

function attacks(file: string): Array<{ key: string; text: string }> {
  const obj = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  const out: Array<{ key: string; text: string }> = [];
  for (const cat of Object.keys(obj).sort()) obj[cat]!.forEach((t, i) => out.push({ key: `${cat}#${i}`, text: t }));
  return out;
}

function insert(context: string, attack: string, where: number): { text: string; span: { start: number; end: number } } {
  let at = 0;
  if (where === 1) {
    // middle: at a line or sentence boundary near the middle
    const mid = Math.floor(context.length / 2);
    const nl = context.indexOf('\n', mid);
    const dot = context.indexOf('. ', mid);
    at = nl >= 0 && (dot < 0 || nl < dot) ? nl + 1 : dot >= 0 ? dot + 2 : mid;
  } else if (where === 2) at = context.length;
  const pre = context.slice(0, at);
  const sepA = at === 0 ? '' : '\n';
  const sepB = at === context.length ? '' : '\n';
  const text = `${pre}${sepA}${attack}${sepB}${context.slice(at)}`;
  return { text, span: { start: pre.length + sepA.length, end: pre.length + sepA.length + attack.length } };
}

/** BIPIA email/table/code: each context once clean and once with an attack inserted. */
export function loadBipia(dir = INJECTION_DIR): Sample[] {
  const textAttacks = attacks(join(dir, 'bipia-text_attack_train.json'));
  const codeAttacks = attacks(join(dir, 'bipia-code_attack_train.json'));
  const out: Sample[] = [];
  // The ordinary requests among the attacks, on their own, are what legitimate user input looks like.
  for (const a of textAttacks) {
    // grouped with the same string inserted into contexts: cross-validation never splits them
    if (CONTEXT_ONLY_CATEGORIES.includes(a.key.split('#')[0]!)) out.push({ text: a.text, label: 0, source: 'bipia-requests', group: `bipia-attack:text:${a.key}`, head: 'input' });
  }
  for (const task of ['email', 'table', 'code'] as const) {
    const file = join(dir, `bipia-${task}-train.jsonl`);
    if (!existsSync(file)) continue;
    const pool = task === 'code' ? codeAttacks : textAttacks;
    jsonl(file).forEach((r, i) => {
      const ctx = Array.isArray(r.context) ? (r.context as string[]).join('\n') : String(r.context ?? '');
      out.push({ text: ctx, label: 0, source: `bipia-${task}`, group: `bipia-${task}-ctx:${i}` });
      const h = fnv(`${task}:${i}`);
      const a = pool[h % pool.length]!;
      const { text, span } = insert(ctx, a.text, (h >>> 8) % 3);
      const trainable = !CONTEXT_ONLY_CATEGORIES.includes(a.key.split('#')[0]!);
      out.push({ text, label: 1, source: `bipia-${task}`, group: `bipia-attack:${task === 'code' ? 'code' : 'text'}:${a.key}`, span, trainable });
    });
  }
  return out;
}

/**
 * Training only, response head: attack prompts (deepset and seclists attacks)
 * inserted into clean BIPIA contexts, the way BIPIA builds its attacks, so the
 * response head sees many more attacks inside data than BIPIA's few strings.
 * Each keeps its prompt's group, so cross-validation holds the prompt out
 * together with its standalone sample.
 */
export function loadEmbedded(prompts: Sample[], contexts: Sample[]): Sample[] {
  const ctx = contexts.filter((s) => s.label === 0 && s.source.startsWith('bipia-') && s.source !== 'bipia-requests');
  if (ctx.length === 0) return [];
  const out: Sample[] = [];
  for (const p of prompts) {
    if (p.label !== 1 || p.trainable === false || p.source.startsWith('bipia')) continue;
    const h = fnv(`embed:${p.group}:${p.text.length}`);
    const c = ctx[h % ctx.length]!;
    const { text, span } = insert(c.text, p.text, (h >>> 8) % 3);
    out.push({ text, label: 1, source: 'embedded', group: p.group, span, head: 'response' });
  }
  return out;
}

/**
 * Benign data for the response head: the synthetic sentences of the PII corpus
 * (../shared/corpora/pii, presidio-synth), ordinary prose about people,
 * places and accounts, as tool output often is. Without it the response head
 * sees natural language mostly in attacks. Missing corpus: none.
 */
export function loadBenignData(dir = INJECTION_DIR): Sample[] {
  const file = join(dir, '..', 'pii', 'presidio-synth-v2-dev.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as Array<{ full_text?: unknown }>)
    .filter((r) => typeof r.full_text === 'string')
    .map((r, i) => ({ text: r.full_text as string, label: 0 as const, source: 'presidio', group: `presidio:${i}`, head: 'response' as const }));
}

export function loadAll(dir = INJECTION_DIR): Sample[] {
  return [...loadDeepset(dir), ...loadSeclists(dir), ...loadBipia(dir)];
}
