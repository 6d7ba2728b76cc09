// Secret detection on the noseyparker rule examples (Apache-2.0): every
// `examples` entry must produce a secret finding (recall), every
// `negative_examples` entry should not (false-positive rate). The rules
// themselves were written independently; these examples are used only here.

import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { corpus, mdTable, pct, type EvalSection } from './lib.ts';
import { Scanner } from '../src/scan/scanner.ts';

interface NpRule {
  name: string;
  id: string;
  examples?: string[];
  negative_examples?: string[];
}

export default async function run(): Promise<EvalSection[]> {
  const dir = corpus('secrets', 'noseyparker-rules');
  const scanner = new Scanner({});
  // A rule's negative example is often a positive of a sibling rule (another token type of the same vendor): those are not negatives of the scanner as a whole.
  const positives = new Set<string>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yml'))) for (const r of (parse(readFileSync(`${dir}/${f}`, 'utf8')) as { rules?: NpRule[] }).rules ?? []) for (const ex of r.examples ?? []) positives.add(ex);
  let pos = 0, hit = 0, neg = 0, flagged = 0, skipped = 0;
  const misses: string[] = [];
  const perFile: Array<[string, number, number, number, number]> = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yml')).sort()) {
    const doc = parse(readFileSync(`${dir}/${f}`, 'utf8')) as { rules?: NpRule[] };
    let p = 0, h = 0, n = 0, fl = 0;
    for (const r of doc.rules ?? []) {
      for (const ex of r.examples ?? []) {
        p++;
        const found = scanner.scanSync(ex, { point: 'output' }).findings.some((x) => x.type === 'secret');
        if (found) h++;
        else misses.push(r.id);
      }
      for (const ex of r.negative_examples ?? []) {
        if (positives.has(ex)) {
          skipped++;
          continue;
        }
        n++;
        if (scanner.scanSync(ex, { point: 'output' }).findings.some((x) => x.type === 'secret')) fl++;
      }
    }
    pos += p; hit += h; neg += n; flagged += fl;
    perFile.push([f.replace(/\.yml$/, ''), p, h, n, fl]);
  }
  const weak = perFile.filter(([, p, h, , fl]) => h < p || fl > 0).map(([f, p, h, n, fl]) => [f, `${h}/${p}`, `${fl}/${n}`]);
  const markdown = [
    mdTable(['set', 'examples', 'detected (recall)', 'negative examples', 'flagged'], [['noseyparker rules', pos, `${hit} (${pct(hit / pos)})`, neg, `${flagged} (${pct(flagged / Math.max(1, neg))})`]]),
    '',
    `Negative examples that are positive examples of another rule are not counted as negatives (${skipped} of them).`,
    '',
    'Rule files with a miss or a flagged negative (detected/examples, flagged/negatives):',
    '',
    mdTable(['file', 'detected', 'flagged'], weak),
  ].join('\n');
  return [{ title: 'Secrets', markdown, metrics: { secrets_recall: hit / pos, secrets_negatives_flagged: flagged / Math.max(1, neg) } }];
}
