// The built-in statistical injection classifier: logistic regression over
// hashed character n-grams and word n-grams (features.ts), trained by
// `npm run train` (scripts/train-injection.ts) and shipped as
// data/injection-model.json. Long texts are scored in overlapping windows and
// the most suspicious window wins, because an injection is usually a short
// passage inside a long benign document.
//
// Anything else can stand in for it through the InjectionClassifier interface
// (an ONNX model, an HTTP service): see docs/scanning.md.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { linearMargin, walkFeatures, type FeatureSpec } from './features.ts';
import type { InjectionClassifier } from './types.ts';

export interface ModelFile {
  format: 'agentwall-injection-lr/1';
  spec: FeatureSpec;
  bias: number;
  window: number;
  stride: number;
  /** What the model was trained on (for the record). */
  trainedOn: string[];
  /** Sorted non-zero bucket indices (Int32 LE, base64) and their weights (Float32 LE, base64). */
  idx: string;
  w: string;
  screen?: { spec: FeatureSpec; bias: number; threshold: number; idx: string; w: string };
  [extra: string]: unknown;
}

export interface LinearModel {
  spec: FeatureSpec;
  bias: number;
  weights: Float32Array;
  window: number;
  stride: number;
  /**
   * Optional cheap screening model (word features only) for long texts: only
   * windows it scores at or above `threshold` get the full model.
   */
  screen?: { spec: FeatureSpec; bias: number; weights: Float32Array; threshold: number };
}

// src/scan/ when run from source, dist/src/scan/ when built: data/ sits at the package root either way.
const HERE = dirname(fileURLToPath(import.meta.url));
export const MODEL_PATH = [join(HERE, '..', '..', 'data', 'injection-model.json'), join(HERE, '..', '..', '..', 'data', 'injection-model.json')].find((p) => existsSync(p)) ?? join(HERE, '..', '..', 'data', 'injection-model.json');

function unpack(spec: FeatureSpec, idx: string, w: string): Float32Array {
  const bits = spec.bits;
  if (!Number.isInteger(bits) || bits < 8 || bits > 24) throw new Error('injection model: spec.bits out of range');
  const idxBuf = Buffer.from(idx, 'base64');
  const wBuf = Buffer.from(w, 'base64');
  if (idxBuf.length !== wBuf.length || idxBuf.length % 4 !== 0) throw new Error('injection model: idx and w lengths differ');
  const weights = new Float32Array(1 << bits);
  for (let k = 0; k < idxBuf.length; k += 4) {
    const i = idxBuf.readInt32LE(k);
    if (i < 0 || i >= weights.length) throw new Error('injection model: bucket index out of range');
    weights[i] = wBuf.readFloatLE(k);
  }
  return weights;
}

function pack(weights: Float32Array): { idx: string; w: string } {
  const nz: number[] = [];
  for (let i = 0; i < weights.length; i++) if (weights[i] !== 0) nz.push(i);
  const idx = Buffer.alloc(nz.length * 4);
  const w = Buffer.alloc(nz.length * 4);
  nz.forEach((i, k) => {
    idx.writeInt32LE(i, k * 4);
    w.writeFloatLE(weights[i]!, k * 4);
  });
  return { idx: idx.toString('base64'), w: w.toString('base64') };
}

export function decodeModel(file: ModelFile): LinearModel {
  if (file.format !== 'agentwall-injection-lr/1') throw new Error(`unknown injection model format '${String(file.format)}'`);
  const m: LinearModel = { spec: file.spec, bias: file.bias, weights: unpack(file.spec, file.idx, file.w), window: file.window, stride: file.stride };
  if (file.screen) m.screen = { spec: file.screen.spec, bias: file.screen.bias, threshold: file.screen.threshold, weights: unpack(file.screen.spec, file.screen.idx, file.screen.w) };
  return m;
}

export function encodeModel(m: LinearModel, extra: Record<string, unknown>): ModelFile {
  const file: ModelFile = { format: 'agentwall-injection-lr/1', spec: m.spec, bias: m.bias, window: m.window, stride: m.stride, trainedOn: [], ...extra, ...pack(m.weights) };
  if (m.screen) file.screen = { spec: m.screen.spec, bias: m.screen.bias, threshold: m.screen.threshold, ...pack(m.screen.weights) };
  return file;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Texts longer than this (characters) use the screening cascade when the model has one. */
export const SCREEN_FROM = 16 * 1024;

/** Probability of one range (no windowing). */
export function scoreRange(m: LinearModel, text: string, start: number, end: number): number {
  return sigmoid(m.bias + linearMargin(text, start, end, m.spec, m.weights));
}

/**
 * Max window probability and the window it came from. Short texts are scored
 * whole, exactly as in training. Long texts take one feature pass with
 * cumulative sums per block of stride/4 characters; every window (window/block
 * blocks, moved one block at a time) then costs O(1), so overlap is free.
 */
export function scoreWindows(m: LinearModel, text: string): { score: number; start: number; end: number } {
  if (text.length <= m.window) return { score: scoreRange(m, text, 0, text.length), start: 0, end: text.length };
  const size = Math.max(16, Math.floor(m.stride / 4));
  const nb = Math.ceil(text.length / size);
  const per = Math.max(1, Math.round(m.window / size));
  const sums = new Float64Array(nb + 1);
  const ns = new Int32Array(nb + 1);
  let best = { score: 0, start: 0, end: 0 };
  if (m.screen && text.length > SCREEN_FROM) {
    // Cascade: the word-only screen over every window, the full model on the windows it flags.
    const sc = m.screen;
    walkFeatures(text, 0, text.length, sc.spec, sc.weights, null, { size, sums, ns });
    let lastFull = -1;
    for (let b = 0; ; b++) {
      const e = Math.min(nb, b + per);
      const n = ns[e]! - ns[b]!;
      const p = sigmoid(sc.bias + (n > 0 ? (sums[e]! - sums[b]!) / Math.sqrt(n) : 0));
      if (p >= sc.threshold && b > lastFull) {
        const s0 = b * size;
        const e0 = Math.min(text.length, e * size);
        const q = scoreRange(m, text, s0, e0);
        if (q > best.score) best = { score: q, start: s0, end: e0 };
        lastFull = b + Math.floor(per / 2); // next full window overlaps this one by half at most
      }
      if (e >= nb) break;
    }
    return best;
  }
  walkFeatures(text, 0, text.length, m.spec, m.weights, null, { size, sums, ns });
  for (let b = 0; ; b++) {
    const e = Math.min(nb, b + per);
    const n = ns[e]! - ns[b]!;
    const p = sigmoid(m.bias + (n > 0 ? (sums[e]! - sums[b]!) / Math.sqrt(n) : 0));
    if (p > best.score) best = { score: p, start: b * size, end: Math.min(text.length, e * size) };
    if (e >= nb) break;
  }
  return best;
}

export class LinearClassifier implements InjectionClassifier {
  readonly name: string;
  constructor(readonly model: LinearModel, name = 'builtin-lr') {
    this.name = name;
  }
  score(text: string): number {
    return scoreWindows(this.model, text).score;
  }
}

let builtin: LinearClassifier | null | undefined;
let builtinError: string | undefined;

/** The shipped model, loaded once. Returns undefined (and an error message) when the data file is missing or corrupt. */
export function builtinClassifier(): { classifier?: LinearClassifier; error?: string } {
  if (builtin === undefined) {
    try {
      builtin = new LinearClassifier(decodeModel(JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as ModelFile));
    } catch (e) {
      builtin = null;
      builtinError = `injection model not loaded from ${MODEL_PATH}: ${(e as Error).message}`;
    }
  }
  return builtin ? { classifier: builtin } : { error: builtinError };
}
