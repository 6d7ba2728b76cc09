// Shared helpers for corpus evaluations. Corpora are read from ../shared/corpora
// (never copied into the repo); AGENTWALL_CORPORA overrides the location.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPORA = process.env.AGENTWALL_CORPORA ?? resolve(REPO, '..', 'shared', 'corpora');

export function corpus(...parts: string[]): string {
  return join(CORPORA, ...parts);
}

export function haveCorpora(): boolean {
  return existsSync(CORPORA);
}

/** One evaluation's output: a markdown section for docs/EVAL.md and its headline metrics. */
export interface EvalSection {
  title: string;
  markdown: string;
  metrics: Record<string, number>;
}

export function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function mdTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (v: Array<string | number>) => `| ${v.map(String).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Precision, recall and F1 from counts. */
export function prf(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
