// PII detection per entity type on presidio-synth-v2-dev (Microsoft
// presidio-research, MIT): synthetic sentences with labeled spans. A predicted
// span counts as a true positive when it overlaps a gold span of the same type
// by at least half of the shorter one; precision counts every predicted span
// of that type. Entity types AgentWall does not detect (names, addresses,
// dates, ...) are not scored.

import { readFileSync } from 'node:fs';
import { corpus, mdTable, pct, prf, type EvalSection } from './lib.ts';
import { findPii, type PiiKind } from '../src/scan/pii.ts';
import { normalize, toOriginal } from '../src/scan/normalize.ts';

const MAP: Record<string, PiiKind> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'card',
  IBAN_CODE: 'iban',
  US_SSN: 'ssn',
  IP_ADDRESS: 'ip',
};

interface Row {
  full_text: string;
  spans: Array<{ entity_type: string; start_position: number; end_position: number }>;
}

export default async function run(): Promise<EvalSection[]> {
  const rows = JSON.parse(readFileSync(corpus('pii', 'presidio-synth-v2-dev.json'), 'utf8')) as Row[];
  const kinds = Object.values(MAP);
  const counts = new Map<PiiKind, { tp: number; fp: number; fn: number }>(kinds.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  for (const r of rows) {
    const n = normalize(r.full_text);
    const pred = findPii(n.text).map((f) => ({ kind: f.kind as PiiKind, ...toOriginal(n, f.span.start, f.span.end, r.full_text), used: false }));
    const gold = r.spans.filter((s) => MAP[s.entity_type]).map((s) => ({ kind: MAP[s.entity_type]!, start: s.start_position, end: s.end_position }));
    for (const g of gold) {
      const c = counts.get(g.kind)!;
      const p = pred.find((p) => !p.used && p.kind === g.kind && overlap(p, g) >= 0.5 * Math.min(p.end - p.start, g.end - g.start));
      if (p) {
        p.used = true;
        c.tp++;
      } else c.fn++;
    }
    for (const p of pred) if (!p.used && counts.has(p.kind)) counts.get(p.kind)!.fp++;
  }
  const table: Array<Array<string | number>> = [];
  const metrics: Record<string, number> = {};
  for (const [k, c] of counts) {
    const m = prf(c.tp, c.fp, c.fn);
    table.push([k, c.tp + c.fn, c.tp, c.fp, pct(m.precision), pct(m.recall), m.f1.toFixed(3)]);
    metrics[`pii_f1:${k}`] = m.f1;
  }
  const markdown = [
    `presidio-synth-v2-dev: ${rows.length} sentences. Types mapped: ${Object.entries(MAP).map(([a, b]) => `${a} -> ${b}`).join(', ')}.`,
    '',
    mdTable(['type', 'gold spans', 'found', 'false positives', 'precision', 'recall', 'F1'], table),
  ].join('\n');
  return [{ title: 'PII', markdown, metrics }];
}

function overlap(a: { start: number; end: number }, b: { start: number; end: number }): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}
