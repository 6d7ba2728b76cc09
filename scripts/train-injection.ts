// `npm run train`: trains the built-in prompt-injection classifier from
// ../shared/corpora/injection and writes data/injection-model.json.
// Logistic regression over hashed n-gram features (src/scan/features.ts),
// AdaGrad with L2, fixed seed, inputs in sorted order: the same corpora give
// the same bytes. The eval (eval/injection.eval.ts) reuses `train` for k-fold
// cross-validation, since the shipped model has seen these corpora.

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { featureVector, DEFAULT_SPEC, type FeatureSpec } from '../src/scan/features.ts';
import { encodeModel, MODEL_PATH, type LinearModel } from '../src/scan/classifier.ts';
import { normalize } from '../src/scan/normalize.ts';
import { loadAll, type Sample } from './injection-data.ts';

export interface TrainOptions {
  spec: FeatureSpec;
  window: number;
  stride: number;
  epochs: number;
  lr: number;
  l2: number;
  seed: number;
  /** Weight examples so every (corpus, label) pair counts the same in total: the big attack lists must not drown the rest. */
  balance: boolean;
}

/** The screening model for long texts: word features only (cheap), recall-oriented threshold. */
export const SCREEN_SPEC: FeatureSpec = { bits: 18, char: [], word: [1, 2] };
export const SCREEN_THRESHOLD = 0.35;

export const DEFAULT_TRAIN: TrainOptions = { spec: DEFAULT_SPEC, window: 512, stride: 384, epochs: 4, lr: 0.1, l2: 1e-5, seed: 1234, balance: true };

export interface Example {
  idx: Int32Array;
  val: Float32Array;
  y: 0 | 1;
  w: number;
  group: string;
  family: string;
}

/** mulberry32: tiny deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Turns samples into training examples. Texts longer than a window are cut into
 * the same windows inference uses; when the attack's span is known only the
 * windows that hold it are positive, the others are clean context.
 */
export function examples(samples: Sample[], o: TrainOptions = DEFAULT_TRAIN): Example[] {
  const out: Example[] = [];
  for (const s of samples) {
    const n = normalize(s.text);
    const t = n.text;
    // spans shift only when normalization changed the text; then fall back to whole-text labels
    const span = s.span && !n.map ? s.span : undefined;
    if (t.length <= o.window || !span) {
      const { idx, val } = featureVector(t, 0, t.length, o.spec);
      out.push({ idx, val, y: s.label, w: 1, group: s.group, family: s.source.split(':')[0]! });
      continue;
    }
    for (let st = 0; ; st += o.stride) {
      const e = Math.min(t.length, st + o.window);
      const holds = span.start < e && span.end > st && Math.min(e, span.end) - Math.max(st, span.start) >= Math.min(40, span.end - span.start);
      const { idx, val } = featureVector(t, st, e, o.spec);
      out.push({ idx, val, y: holds ? 1 : 0, w: 1, group: s.group, family: s.source.split(':')[0]! });
      if (e >= t.length) break;
    }
  }
  return out;
}

/** AdaGrad logistic regression with class-balanced weights. Deterministic for a given input order and seed. */
export function train(exs: Example[], o: TrainOptions = DEFAULT_TRAIN): LinearModel {
  const dims = 1 << o.spec.bits;
  const w = new Float64Array(dims);
  const g2 = new Float64Array(dims).fill(1e-8);
  let b = 0;
  let gb = 1e-8;
  const pos = exs.filter((e) => e.y === 1).length;
  const neg = exs.length - pos;
  let cw = [exs.length / (2 * Math.max(1, neg)), exs.length / (2 * Math.max(1, pos))];
  let ew = exs.map(() => 1);
  if (o.balance) {
    const counts = new Map<string, number>();
    for (const e of exs) counts.set(`${e.family}:${e.y}`, (counts.get(`${e.family}:${e.y}`) ?? 0) + 1);
    const share = exs.length / counts.size;
    ew = exs.map((e) => share / counts.get(`${e.family}:${e.y}`)!);
    cw = [1, 1];
  }
  const order = exs.map((_, i) => i);
  const rand = rng(o.seed);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const ex = exs[k]!;
      let z = b;
      for (let f = 0; f < ex.idx.length; f++) z += w[ex.idx[f]!]! * ex.val[f]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - ex.y) * cw[ex.y]! * ex.w * ew[k]!;
      for (let f = 0; f < ex.idx.length; f++) {
        const j = ex.idx[f]!;
        const gj = g * ex.val[f]! + o.l2 * w[j]!;
        g2[j] = g2[j]! + gj * gj;
        w[j] = w[j]! - (o.lr * gj) / Math.sqrt(g2[j]!);
      }
      gb += g * g;
      b -= (o.lr * g) / Math.sqrt(gb);
    }
  }
  const weights = new Float32Array(dims);
  for (let j = 0; j < dims; j++) weights[j] = Math.abs(w[j]!) < 1e-4 ? 0 : w[j]!;
  return { spec: o.spec, bias: b, weights, window: o.window, stride: o.stride };
}

/** The full model plus its word-only screening model, on the same samples. */
export function trainWithScreen(samples: Sample[], o: TrainOptions = DEFAULT_TRAIN): LinearModel {
  const model = train(examples(samples, o), o);
  const so = { ...o, spec: SCREEN_SPEC };
  const screen = train(examples(samples, so), so);
  model.screen = { spec: SCREEN_SPEC, bias: screen.bias, weights: screen.weights, threshold: SCREEN_THRESHOLD };
  return model;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const samples = loadAll().filter((s) => s.trainable !== false);
  const model = trainWithScreen(samples);
  const exs = examples(samples);
  const sources = [...new Set(samples.map((s) => s.source.split(':')[0]!))].sort();
  const file = encodeModel(model, {
    trainedOn: sources.map((s) => `../shared/corpora/injection (${s})`),
    samples: samples.length,
    examples: exs.length,
    options: { ...DEFAULT_TRAIN, spec: undefined },
  });
  writeFileSync(MODEL_PATH, `${JSON.stringify(file)}\n`);
  const nnz = Buffer.from(file.idx, 'base64').length / 4;
  console.log(`trained on ${samples.length} samples (${exs.length} windows) from ${sources.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${nnz} non-zero weights -> ${MODEL_PATH}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
