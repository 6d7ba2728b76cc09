// Prompt-injection detection quality. The shipped classifier was trained on
// deepset-train, ai-seclists and BIPIA train, so those three are measured by
// 5-fold cross-validation (grouped: one attack string never sits in both the
// training and the test folds): each sample is scanned by a model trained on
// the other folds. AgentDojo tool outputs were never trained on and use the
// shipped model. The full scanner runs (normalization, decoding, heuristics,
// classifier), at the point where such text arrives: `input` for prompts,
// `response` for documents and tool outputs.

import { readFileSync } from 'node:fs';
import { corpus, mdTable, pct, prf, type EvalSection } from './lib.ts';
import { loadDeepset, loadSeclists, loadBipia, fnv, type Sample } from '../scripts/injection-data.ts';
import { trainHeads, pointOf } from '../scripts/train-injection.ts';
import { LinearClassifier } from '../src/scan/classifier.ts';
import { Scanner } from '../src/scan/scanner.ts';

const K = 5;

interface Scored {
  sample: Sample;
  score: number;
  h: number;
  c: number;
  flagged: boolean;
}

function row(name: string, rs: Scored[], pick: (r: Scored) => boolean = (r) => r.flagged): Array<string | number> {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const r of rs) {
    const p = pick(r);
    if (r.sample.label === 1) p ? tp++ : fn++;
    else p ? fp++ : tn++;
  }
  const m = prf(tp, fp, fn);
  return [name, tp + fn, fp + tn, pct(m.precision), pct(m.recall), m.f1.toFixed(3), pct(fp / Math.max(1, fp + tn))];
}

function f1(rs: Scored[]): number {
  let tp = 0, fp = 0, fn = 0;
  for (const r of rs) {
    if (r.sample.label === 1) r.flagged ? tp++ : fn++;
    else if (r.flagged) fp++;
  }
  return prf(tp, fp, fn).f1;
}

export async function crossValidate(samples: Sample[]): Promise<Scored[]> {
  const fold = samples.map((s) => fnv(s.group) % K);
  const out: Scored[] = new Array(samples.length);
  for (let k = 0; k < K; k++) {
    // k = 0: no inner cross-validation for thresholds, which the scanner does not apply
    const model = trainHeads(samples.filter((s, i) => fold[i] !== k && s.trainable !== false), undefined, 0);
    const scanner = new Scanner({}, { classifiers: [new LinearClassifier(model, `fold-${k}`)] });
    samples.forEach((s, i) => {
      if (fold[i] !== k) return;
      const r = scanner.scanSync(s.text, { point: pointOf(s) });
      out[i] = { sample: s, score: r.injection.score, h: r.injection.heuristic ?? 0, c: r.injection.classifier ?? 0, flagged: r.findings.some((f) => f.type === 'injection' && f.action === 'block') };
    });
  }
  return out;
}

export function agentDojoSamples(): Sample[] {
  const out: Sample[] = [];
  const lines = readFileSync(corpus('agentdojo', 'traces-gpt-4o-mini-2024-07-18.jsonl'), 'utf8').split('\n').filter(Boolean);
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    const d = JSON.parse(l) as { messages?: Array<{ role: string; content: unknown }>; metadata?: { injection_task_id?: string | null } };
    if (!d.messages) return;
    const attacked = !!d.metadata?.injection_task_id;
    for (const m of d.messages) {
      if (m.role !== 'tool' || typeof m.content !== 'string' || m.content.trim() === '') continue;
      // Label: in attacked runs, the outputs that carry the attack's text (AgentDojo wraps it in <INFORMATION> tags).
      const injected = attacked && m.content.includes('<INFORMATION>');
      if (attacked && !injected) continue; // clean outputs of attacked runs duplicate the clean runs
      const key = `${injected ? 1 : 0}:${m.content}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ text: m.content, label: injected ? 1 : 0, source: 'agentdojo', group: `agentdojo:${i}` });
    }
  });
  return out;
}

export default async function run(): Promise<EvalSection[]> {
  const deepset = loadDeepset();
  const seclists = loadSeclists();
  const bipia = loadBipia();
  const all = [...deepset, ...seclists, ...bipia];
  const cv = await crossValidate(all);
  const by = (pred: (s: Sample) => boolean) => cv.filter((r) => pred(r.sample));

  const shipped = new Scanner({});
  const dojo = agentDojoSamples().map((s) => {
    const r = shipped.scanSync(s.text, { point: 'response' });
    return { sample: s, score: r.injection.score, h: r.injection.heuristic ?? 0, c: r.injection.classifier ?? 0, flagged: r.findings.some((f) => f.type === 'injection' && f.action === 'block') };
  });

  const header = ['dataset', 'attacks', 'benign', 'precision', 'recall', 'F1', 'benign flagged'];
  const groups: Array<[string, Scored[]]> = [
    ['deepset-train (5-fold CV, point input)', by((s) => s.source === 'deepset')],
    ['ai-seclists attacks vs benign (5-fold CV, input)', by((s) => s.source.startsWith('seclists'))],
    ['BIPIA email (5-fold CV, response)', by((s) => s.source === 'bipia-email')],
    ['BIPIA table (5-fold CV, response)', by((s) => s.source === 'bipia-table')],
    ['BIPIA code (5-fold CV, response)', by((s) => s.source === 'bipia-code')],
    ['AgentDojo tool outputs (shipped model, response)', dojo],
  ];
  const rows = groups.map(([n, rs]) => row(n, rs));
  const ablation = groups.map(([n, rs]) => [n, f1(rs).toFixed(3), fOf(rs, (r) => r.c >= 0.5).toFixed(3), fOf(rs, (r) => r.h >= 0.5).toFixed(3)]);
  const markdown = [
    'Full scanner (normalize, decode, heuristics, classifier) with the default thresholds (input 0.6, response 0.95); the thresholds the training script picks by cross-validation are recorded in the model, not applied (docs/scanning.md says why).',
    'The shipped model (data/injection-model.json, two heads: input, and response = geometric mean with the response head) is trained on all of deepset-train, ai-seclists and BIPIA train; rows marked CV use a model trained without the sample\'s fold.',
    'BIPIA attacks that are ordinary user requests (information retrieval, content creation, tutoring, translation, programming help) are evaluated but never trained on: as text they are legitimate input.',
    'AgentDojo label: a tool output of an attacked run that carries the attack (<INFORMATION> block) is an attack; tool outputs of runs without attack are benign (deduplicated).',
    '',
    mdTable(header, rows),
    '',
    'F1 by component (same samples): scanner = combined; classifier alone (score >= 0.5); heuristics alone (>= 0.5).',
    '',
    mdTable(['dataset', 'scanner', 'classifier', 'heuristics'], ablation),
  ].join('\n');
  const metrics: Record<string, number> = {};
  groups.forEach(([n, rs]) => (metrics[`injection_f1:${n.split(' ')[0]}${n.includes('BIPIA') ? `-${n.split(' ')[1]}` : ''}`] = f1(rs)));
  return [{ title: 'Prompt injection', markdown, metrics }];
}

function fOf(rs: Scored[], pick: (r: Scored) => boolean): number {
  let tp = 0, fp = 0, fn = 0;
  for (const r of rs) {
    const p = pick(r);
    if (r.sample.label === 1) p ? tp++ : fn++;
    else if (p) fp++;
  }
  return prf(tp, fp, fn).f1;
}
