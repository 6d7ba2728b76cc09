// `npm run train`: trains the built-in prompt-injection classifier from
// ../shared/corpora/injection and writes data/injection-model.json.
// Logistic regression over hashed n-gram features (src/scan/features.ts),
// AdaGrad with L2, fixed seed, inputs in sorted order: the same corpora give
// the same bytes. The eval (eval/injection.eval.ts) reuses `train` for k-fold
// cross-validation, since the shipped model has seen these corpora.

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { featureVector, DEFAULT_SPEC, type FeatureSpec } from '../src/scan/features.ts';
import { encodeModel, quantize, LinearClassifier, MODEL_PATH, type HeadsModel, type LinearModel } from '../src/scan/classifier.ts';
import { normalize } from '../src/scan/normalize.ts';
import { Scanner } from '../src/scan/scanner.ts';
import type { ScanPoint } from '../src/scan/types.ts';
import { loadAll, loadEmbedded, loadBenignData, fnv, type Sample } from './injection-data.ts';

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

/** The screening model for long texts: word features only (cheap; 2^16 buckets stay in cache), recall-oriented threshold. */
export const SCREEN_SPEC: FeatureSpec = { bits: 16, char: [], word: [1, 2] };
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
  const { weights, scale } = quantize(w);
  return { spec: o.spec, bias: b, weights, scale, window: o.window, stride: o.stride };
}

/** The full model plus its word-only screening model, on the same samples. */
export function trainWithScreen(samples: Sample[], o: TrainOptions = DEFAULT_TRAIN, screen = true): LinearModel {
  const model = train(examples(samples, o), o);
  if (!screen) return model;
  const so = { ...o, spec: SCREEN_SPEC };
  const sm = train(examples(samples, so), so);
  model.screen = { spec: SCREEN_SPEC, bias: sm.bias, weights: sm.weights, scale: sm.scale, threshold: SCREEN_THRESHOLD };
  return model;
}

/** Where a sample is scanned: BIPIA contexts arrive as tool responses, prompts as input. */
export const pointOf = (s: Sample): ScanPoint => (s.source.startsWith('bipia-') && s.source !== 'bipia-requests' ? 'response' : 'input');

/**
 * Training sets of the two heads. Input: every prompt and document (BIPIA
 * attacks that are ordinary requests are never trained on: as text they are
 * legitimate input). Response: the same minus the ordinary requests standing
 * alone, plus attack prompts inserted into clean documents (loadEmbedded) and
 * benign prose as data (loadBenignData).
 */
export function headSamples(samples: Sample[], benign: Sample[] = loadBenignData()): { input: Sample[]; response: Sample[] } {
  const ok = samples.filter((s) => s.trainable !== false);
  const data = (s: Sample) => (s.source.startsWith('bipia-') && s.source !== 'bipia-requests') || s.source === 'embedded' || s.source === 'presidio';
  const records = ok.filter((s) => s.source === 'bipia-table' && s.label === 0).map(tableAsJson).filter((s): s is Sample => s !== undefined);
  return {
    input: [...ok.filter((s) => s.head !== 'response'), ...records],
    response: [...ok.filter((s) => s.head !== 'input'), ...loadEmbedded(ok, ok), ...benign.filter((s) => s.trainable !== false)].map((s) => (data(s) ? envelope(s) : s)).concat(records),
  };
}

/**
 * A clean BIPIA table as the JSON records an API would return (header cells as
 * keys), compact or indented: benign structured data without prose. Without
 * it JSON punctuation is seen almost only in attacks (tool-call payloads).
 */
export function tableAsJson(x: Sample): Sample | undefined {
  const rows = x.text.split('\n').filter((l) => l.trim().startsWith('|')).map((l) => l.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
  if (rows.length < 2) return undefined;
  const head = rows[0]!.map((h, i) => h.replace(/[^\w ]+/g, '').trim().toLowerCase().replace(/ +/g, '_') || `col${i}`);
  const records = rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, /^-?\d+(?:\.\d+)?$/.test(r[i] ?? '') ? Number(r[i]) : (r[i] ?? '')])));
  const h = fnv(`json:${x.group}`);
  const body = { [['results', 'items', 'data', 'rows'][h % 4]!]: records, count: records.length };
  return { text: h & 16 ? JSON.stringify(body, null, 2) : JSON.stringify(body), label: 0, source: 'bipia-table-json', group: x.group };
}

const FIELDS = ['content', 'body', 'text', 'description', 'message', 'value'];
/**
 * Tool output usually arrives wrapped in JSON or YAML. A third of the data
 * samples each stay plain, go into a JSON object, or into a YAML list item
 * (chosen by a hash), attacks and benign texts alike, so the response head
 * learns that the envelope says nothing either way. The attack's span moves
 * with the escaping.
 */
export function envelope(x: Sample): Sample {
  const h = fnv(`env:${x.group}:${x.text.length}`);
  const kind = h % 3;
  if (kind === 0) return x;
  const f = FIELDS[(h >>> 4) % FIELDS.length]!;
  const id = (h >>> 8) % 1000;
  const json = kind === 1;
  const enc = json ? (t: string) => JSON.stringify(t).slice(1, -1) : (t: string) => t.replace(/'/g, "''").replace(/\n/g, '\n\n    ');
  const pre = json ? `{"id": ${id}, "${f}": "` : `- id: '${id}'\n  ${f}: '`;
  const post = json ? '", "status": "ok"}' : "'\n  read: true\n";
  const out: Sample = { ...x, text: pre + enc(x.text) + post };
  if (x.span) out.span = { start: pre.length + enc(x.text.slice(0, x.span.start)).length, end: pre.length + enc(x.text.slice(0, x.span.end)).length };
  return out;
}

/** The response head scores short windows: an instruction slipped into a document is one line, and a long window dilutes it. */
export const RESPONSE_WINDOW = { window: 96, stride: 64 };

/** Points whose threshold cross-validation picks, and the dataset (source) of a sample there. */
const THRESHOLD_SETS: Record<'input' | 'response', (s: Sample) => string | undefined> = {
  input: (s) => (pointOf(s) === 'input' && s.source !== 'bipia-requests' && s.source !== 'presidio' ? s.source.split(':')[0] : undefined),
  response: (s) => (pointOf(s) === 'response' || s.source === 'presidio' ? s.source : undefined),
};
/**
 * Tool output that is wrongly blocked stops the agent's work: the response
 * threshold keeps every dataset's benign-flagged rate at or below this.
 */
const RESPONSE_FP_BUDGET = 0.02;
/** Thresholds within this much mean F1 of the best count as equally good; the highest of them is taken. */
const F1_TOLERANCE = 0.005;
/** The agent's own answer: no labelled data; only clear cases (it is scored by the input head). */
const OUTPUT_THRESHOLD = 0.9;

/**
 * Both heads, and per-point thresholds chosen by grouped k-fold
 * cross-validation on the training samples themselves: for each point, the
 * threshold on the full scanner's score (heuristics and classifier) that
 * maximizes the mean class-balanced F1 over that point's datasets (for tool
 * responses: within a false-alarm budget per dataset). `k` = 0 skips it (the
 * thresholds are then the built-in defaults).
 */
export function trainHeads(samples: Sample[], o: TrainOptions = DEFAULT_TRAIN, k = 3, screen = true, benign: Sample[] = loadBenignData()): HeadsModel {
  const hs = headSamples(samples, benign);
  const heads: HeadsModel = {
    input: trainWithScreen(hs.input, o, screen),
    response: trainWithScreen(hs.response, { ...o, ...RESPONSE_WINDOW }, screen),
    thresholds: { input: 0.6, response: 0.95, output: OUTPUT_THRESHOLD },
  };
  if (k > 0) heads.thresholds = chooseThresholds([...samples, ...benign], o, k);
  return heads;
}

export function chooseThresholds(samples: Sample[], o: TrainOptions, k: number): Record<ScanPoint, number> {
  const fold = samples.map((s) => fnv(`inner:${s.group}`) % k);
  const scored: Array<{ set: string; point: 'input' | 'response'; y: 0 | 1; score: number; exfil: boolean }> = [];
  for (let f = 0; f < k; f++) {
    const train = samples.filter((_, i) => fold[i] !== f);
    const heads = trainHeads(train.filter((s) => s.source !== 'presidio'), o, 0, false, train.filter((s) => s.source === 'presidio'));
    const scanner = new Scanner({}, { classifiers: [new LinearClassifier(heads, `inner-${f}`)] });
    samples.forEach((s, i) => {
      if (fold[i] !== f) return;
      for (const point of ['input', 'response'] as const) {
        const set = THRESHOLD_SETS[point](s);
        if (set === undefined || s.trainable === false && point === 'input') continue;
        const r = scanner.scanSync(s.text, { point });
        scored.push({ set, point, y: s.label, score: r.injection.score, exfil: r.findings.some((x) => x.rule === 'exfil-markup') });
      }
    });
  }
  // Mean class-balanced F1 over the point's datasets (those with attacks and benign
  // texts); for the response point only thresholds that keep every dataset's
  // benign-flagged rate within the budget.
  const pick = (point: 'input' | 'response'): number => {
    const rows = scored.filter((r) => r.point === point);
    const sets = [...new Set(rows.map((r) => r.set))].sort();
    const curve: Array<{ t: number; f: number }> = [];
    for (let t = 0.3; t <= 0.99 + 1e-9; t += 0.01) {
      let sum = 0;
      let withAttacks = 0;
      let withinBudget = true;
      for (const set of sets) {
        let tp = 0, fp = 0, fn = 0, tn = 0;
        for (const r of rows) {
          if (r.set !== set) continue;
          const flag = r.score >= t || r.exfil;
          if (r.y === 1) flag ? tp++ : fn++;
          else flag ? fp++ : tn++;
        }
        if (point === 'response' && fp > RESPONSE_FP_BUDGET * (fp + tn)) withinBudget = false;
        if (tp + fn === 0 || fp + tn === 0) continue;
        withAttacks++;
        // F1 as if attacks and benign texts were equally many: a set that is 96% attacks must not make false alarms cheap
        const fpBal = (fp / (fp + tn)) * (tp + fn);
        sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fpBal + fn);
      }
      curve.push({ t: Math.round(t * 100) / 100, f: withinBudget ? sum / Math.max(1, withAttacks) : -1 });
    }
    // the highest threshold whose F1 is within TOLERANCE of the best: a difference that small is noise, a false alarm is not
    const top = Math.max(...curve.map((c) => c.f));
    if (top < 0) return 0.99;
    return Math.max(...curve.filter((c) => c.f >= top - F1_TOLERANCE).map((c) => c.t));
  };
  return { input: pick('input'), response: pick('response'), output: OUTPUT_THRESHOLD };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const samples = loadAll();
  const model = trainHeads(samples, DEFAULT_TRAIN, 5);
  const hs = headSamples(samples);
  const sources = [...new Set(samples.map((s) => s.source.split(':')[0]!))].sort();
  const file = encodeModel(model, {
    trainedOn: sources.map((s) => `../shared/corpora/injection (${s})`),
    samples: { input: hs.input.length, response: hs.response.length },
    examples: { input: examples(hs.input).length, response: examples(hs.response, { ...DEFAULT_TRAIN, ...RESPONSE_WINDOW }).length },
    windows: { input: DEFAULT_TRAIN.window, response: RESPONSE_WINDOW },
    options: { ...DEFAULT_TRAIN, spec: undefined },
  });
  writeFileSync(MODEL_PATH, `${JSON.stringify(file)}\n`);
  const nnz = (w: Int8Array) => w.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0);
  console.log(`trained on ${samples.length} samples from ${sources.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s; thresholds ${JSON.stringify(model.thresholds)}; non-zero weights input ${nnz(model.input.weights)}, response ${nnz(model.response.weights)} -> ${MODEL_PATH}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
