// Secret detection on the noseyparker rule examples (Apache-2.0). The rules
// themselves were written independently; these examples are used only here.
//
// How examples are counted:
// - A positive example is detected only when a secret finding overlaps a value
//   that the noseyparker rule's own pattern captures in it (its capture groups,
//   or the whole match for a pattern without groups). A finding elsewhere in
//   the example (another assignment, a host name) does not count.
// - Positives of rules that noseyparker categorizes as identifiers and not as
//   secrets (ARNs, bucket names, account ids, OAuth client ids, usernames,
//   public keys) are reported on their own row, not in the secret recall:
//   AgentWall deliberately does not redact identifiers.
// - A negative example says what one noseyparker rule must not match. It is a
//   negative of the scanner as a whole only when noseyparker's rule set as a
//   whole does not flag it either: negatives that are positive examples of
//   another rule, or that another rule's pattern matches (a generic secret
//   rule, a sibling token type), are left out and counted. The raw rate over
//   every negative is reported too.

import { readFileSync, readdirSync } from 'node:fs';
import { RE2JS } from 're2js';
import { parse } from 'yaml';
import { corpus, mdTable, pct, type EvalSection } from './lib.ts';
import { Scanner } from '../src/scan/scanner.ts';

interface NpRule {
  name: string;
  id: string;
  pattern: string;
  categories?: string[];
  examples?: string[];
  negative_examples?: string[];
}

/** Noseyparker patterns are Rust regex syntax; (?x) free-spacing is rewritten for RE2 (whitespace and comments dropped). */
export function npPattern(pattern: string): RE2JS {
  let p = pattern;
  if (/\(\?[a-z]*x[a-z]*\)/.test(p)) {
    p = p.replace(/\(\?([a-z]*)x([a-z]*)\)/g, (_, a: string, b: string) => (a + b ? `(?${a}${b})` : ''));
    let out = '';
    let inClass = false;
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === '\\') {
        out += c + (p[i + 1] ?? '');
        i++;
      } else if (inClass) {
        if (c === ']') inClass = false;
        out += c;
      } else if (c === '[') {
        inClass = true;
        out += c;
        if (p[i + 1] === ']') out += p[++i];
        else if (p[i + 1] === '^' && p[i + 2] === ']') (out += '^]'), (i += 2);
      } else if (c === '(' && p.startsWith('(?#', i)) {
        while (i < p.length && p[i] !== ')') i++;
      } else if (c === '#') {
        while (i < p.length && p[i] !== '\n') i++;
      } else if (!/\s/.test(c)) out += c;
    }
    p = out;
  }
  return RE2JS.compile(p.replace(/\{(\d+),(\d{4,})\}/g, (_, a: string) => `{${a},1000}`)); // RE2 caps repeats at 1000
}

/** Spans of the values a noseyparker pattern captures in `text`. */
function capturedSpans(re: RE2JS, text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const m = re.matcher(text);
  let from = 0;
  while (from <= text.length && m.find(from)) {
    const n = m.groupCount();
    if (n === 0) spans.push([m.start(), m.end()]);
    for (let g = 1; g <= n; g++) if (m.start(g) >= 0 && m.end(g) > m.start(g)) spans.push([m.start(g), m.end(g)]);
    from = m.end() > m.start() ? m.end() : m.start() + 1;
  }
  return spans;
}

const identifierOnly = (r: NpRule) => (r.categories ?? []).includes('identifier') && !(r.categories ?? []).includes('secret');

export default async function run(): Promise<EvalSection[]> {
  const dir = corpus('secrets', 'noseyparker-rules');
  const scanner = new Scanner({});
  const secrets = (text: string) => scanner.scanSync(text, { point: 'output' }).findings.filter((x) => x.type === 'secret');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();
  const rules: Array<NpRule & { file: string; re: RE2JS }> = [];
  for (const f of files) for (const r of (parse(readFileSync(`${dir}/${f}`, 'utf8')) as { rules?: NpRule[] }).rules ?? []) rules.push({ ...r, file: f.replace(/\.yml$/, ''), re: npPattern(r.pattern) });
  const positives = new Set<string>();
  for (const r of rules) for (const ex of r.examples ?? []) positives.add(ex);

  const sec = { pos: 0, hit: 0 }, ids = { pos: 0, hit: 0 };
  let elsewhere = 0; // positives with a finding, but not on the captured value
  let negRaw = 0, flaggedRaw = 0, neg = 0, flagged = 0, skippedPositive = 0, skippedMatched = 0;
  const missed = new Map<string, number>(), flaggedBy = new Map<string, number>();
  const perFile = new Map<string, [number, number, number, number]>();
  for (const r of rules) {
    const pf = perFile.get(r.file) ?? [0, 0, 0, 0];
    perFile.set(r.file, pf);
    const bucket = identifierOnly(r) ? ids : sec;
    for (const ex of r.examples ?? []) {
      const spans = capturedSpans(r.re, ex);
      const fs = secrets(ex);
      const ok = fs.some((f) => spans.some(([s, e]) => f.span.start < e && f.span.end > s));
      bucket.pos++;
      if (ok) bucket.hit++;
      if (bucket === sec) {
        pf[0]++;
        if (ok) pf[1]++;
        else {
          if (fs.length) elsewhere++;
          missed.set(r.id, (missed.get(r.id) ?? 0) + 1);
        }
      }
    }
    for (const ex of r.negative_examples ?? []) {
      if (positives.has(ex)) {
        skippedPositive++;
        continue;
      }
      const hitNow = secrets(ex).length > 0;
      negRaw++;
      if (hitNow) flaggedRaw++;
      if (rules.some((o) => o !== r && o.re.matcher(ex).find())) {
        skippedMatched++;
        continue;
      }
      neg++;
      pf[2]++;
      if (hitNow) {
        flagged++;
        pf[3]++;
        const by = [...new Set(secrets(ex).map((f) => f.rule))].join(', ');
        flaggedBy.set(`${r.id} (${by})`, (flaggedBy.get(`${r.id} (${by})`) ?? 0) + 1);
      }
    }
  }
  const weak = [...perFile].filter(([, [p, h, , fl]]) => h < p || fl > 0).map(([f, [p, h, n, fl]]) => [f, `${h}/${p}`, `${fl}/${n}`]);
  const list = (m: Map<string, number>) => [...m].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join('; ') || 'none';
  const markdown = [
    mdTable(
      ['set', 'examples', 'detected (recall)'],
      [
        ['secret rules', sec.pos, `${sec.hit} (${pct(sec.hit / sec.pos)})`],
        ['identifier rules (ARNs, buckets, account and client ids, usernames; not counted)', ids.pos, `${ids.hit} (${pct(ids.hit / Math.max(1, ids.pos))})`],
        ['all examples', sec.pos + ids.pos, `${sec.hit + ids.hit} (${pct((sec.hit + ids.hit) / (sec.pos + ids.pos))})`],
      ],
    ),
    '',
    mdTable(
      ['negatives', 'examples', 'flagged'],
      [
        ['not flagged by any noseyparker rule', neg, `${flagged} (${pct(flagged / Math.max(1, neg))})`],
        ['all negative examples (raw)', negRaw, `${flaggedRaw} (${pct(flaggedRaw / Math.max(1, negRaw))})`],
      ],
    ),
    '',
    `A positive counts as detected only when a finding overlaps the value the noseyparker pattern captures (${elsewhere} missed positives had a finding elsewhere in the example).`,
    `Left out of the negatives: ${skippedPositive} that are positive examples of another rule, ${skippedMatched} that another noseyparker rule's pattern matches (included in the raw row).`,
    '',
    `Missed secret-rule positives by noseyparker rule: ${list(missed)}.`,
    '',
    `Flagged negatives by noseyparker rule (AgentWall rules that fired): ${list(flaggedBy)}.`,
    '',
    'Rule files with a miss or a flagged negative (detected/examples of secret rules, flagged/negatives):',
    '',
    mdTable(['file', 'detected', 'flagged'], weak),
  ].join('\n');
  return [
    {
      title: 'Secrets',
      markdown,
      metrics: {
        secrets_recall: sec.hit / sec.pos,
        secrets_recall_all: (sec.hit + ids.hit) / (sec.pos + ids.pos),
        secrets_negatives_flagged: flagged / Math.max(1, neg),
        secrets_negatives_flagged_raw: flaggedRaw / Math.max(1, negRaw),
      },
    },
  ];
}
