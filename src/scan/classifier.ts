// The built-in statistical injection classifier: logistic regression over
// hashed character n-grams and word n-grams (features.ts), trained by
// `npm run train` (scripts/train-injection.ts) and shipped as
// data/injection-model.json. Two heads share the features: `input` for
// prompts, `response` for data (short windows, trained on attacks slipped
// into documents); a tool's response gets the geometric mean of both. Long texts are scored in overlapping windows and
// the most suspicious window wins, because an injection is usually a short
// passage inside a long benign document.
//
// Anything else can stand in for it through the InjectionClassifier interface
// (an ONNX model, an HTTP service): see docs/scanning.md.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { isWordPairSpec, linearMargin, walkFeatures, walkWordTables, type AnchorProbe, type FeatureSpec } from './features.ts';
import type { InjectionClassifier, ScanPoint } from './types.ts';

/** One head on disk: Int8 weights (dense, 2^bits, base64) times `scale`. */
export interface HeadFile {
  bias: number;
  scale: number;
  /** Characters per scored window and between window starts (texts up to `window` are scored whole). */
  window: number;
  stride: number;
  w: string;
  screen?: { bias: number; scale: number; threshold: number; w: string };
}

export interface ModelFile {
  format: 'agentwall-injection-lr/2';
  spec: FeatureSpec;
  screenSpec: FeatureSpec;
  /** `input` scores prompts; `response` scores data (tool output), where any instruction to the reader is suspect. */
  heads: { input: HeadFile; response: HeadFile };
  /** Default thresholds per point, chosen by cross-validation when the model was trained. */
  thresholds: Record<ScanPoint, number>;
  /** What the model was trained on (for the record). */
  trainedOn: string[];
  [extra: string]: unknown;
}

/**
 * A linear model over hashed features. Weights are quantized to Int8 (times
 * `scale`): a quarter of the memory of Float32, so the bucket table of a head
 * stays in the CPU cache while long texts are scored; the rounding moves a
 * margin by well under 0.01.
 */
export interface LinearModel {
  spec: FeatureSpec;
  bias: number;
  weights: Int8Array;
  scale: number;
  window: number;
  stride: number;
  /**
   * Optional cheap screening model (word features only) for long texts: only
   * windows it scores at or above `threshold` get the full model.
   */
  screen?: { spec: FeatureSpec; bias: number; weights: Int8Array; scale: number; threshold: number };
}

/** The two heads and the thresholds that go with them. */
export interface HeadsModel {
  input: LinearModel;
  response: LinearModel;
  thresholds: Record<ScanPoint, number>;
}

// src/scan/ when run from source, dist/src/scan/ when built: data/ sits at the package root either way.
const HERE = dirname(fileURLToPath(import.meta.url));
export const MODEL_PATH = [join(HERE, '..', '..', 'data', 'injection-model.json'), join(HERE, '..', '..', '..', 'data', 'injection-model.json')].find((p) => existsSync(p)) ?? join(HERE, '..', '..', 'data', 'injection-model.json');

/** Float weights -> Int8 and the scale that maps them back. */
export function quantize(w: Float32Array | Float64Array): { weights: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.round(w[i]! / scale);
  return { weights: q, scale };
}

function unpack(spec: FeatureSpec, w: string): Int8Array {
  const bits = spec.bits;
  if (!Number.isInteger(bits) || bits < 8 || bits > 24) throw new Error('injection model: spec.bits out of range');
  const buf = Buffer.from(w, 'base64');
  if (buf.length !== 1 << bits) throw new Error(`injection model: expected ${1 << bits} weights, got ${buf.length}`);
  return new Int8Array(buf.buffer, buf.byteOffset, buf.length).slice();
}

const pack = (w: Int8Array) => Buffer.from(w.buffer, w.byteOffset, w.length).toString('base64');

function decodeHead(file: ModelFile, h: HeadFile): LinearModel {
  if (!(typeof h?.bias === 'number' && typeof h.scale === 'number')) throw new Error('injection model: head without bias or scale');
  if (!(h.window >= 16 && h.stride >= 16 && h.stride <= h.window)) throw new Error('injection model: head window or stride out of range');
  const m: LinearModel = { spec: file.spec, bias: h.bias, weights: unpack(file.spec, h.w), scale: h.scale, window: h.window, stride: h.stride };
  if (h.screen) m.screen = { spec: file.screenSpec, bias: h.screen.bias, scale: h.screen.scale, threshold: h.screen.threshold, weights: unpack(file.screenSpec, h.screen.w) };
  return m;
}

export function decodeModel(file: ModelFile): HeadsModel {
  if (file.format !== 'agentwall-injection-lr/2') throw new Error(`unknown injection model format '${String(file.format)}'`);
  const t = file.thresholds;
  if (!t || ![t.input, t.response, t.output].every((x) => typeof x === 'number' && x > 0 && x <= 1)) throw new Error('injection model: thresholds missing or outside (0, 1]');
  return { input: decodeHead(file, file.heads.input), response: decodeHead(file, file.heads.response), thresholds: { ...t } };
}

function encodeHead(m: LinearModel): HeadFile {
  const h: HeadFile = { bias: m.bias, scale: m.scale, window: m.window, stride: m.stride, w: pack(m.weights) };
  if (m.screen) h.screen = { bias: m.screen.bias, scale: m.screen.scale, threshold: m.screen.threshold, w: pack(m.screen.weights) };
  return h;
}

export function encodeModel(m: HeadsModel, extra: Record<string, unknown>): ModelFile {
  return {
    format: 'agentwall-injection-lr/2',
    spec: m.input.spec,
    screenSpec: m.input.screen?.spec ?? m.input.spec,
    thresholds: m.thresholds,
    trainedOn: [],
    ...extra,
    heads: { input: encodeHead(m.input), response: encodeHead(m.response) },
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Texts longer than this (characters) use the screening cascade when the model has one. */
export const SCREEN_FROM = 16 * 1024;

/** Probability of one range (no windowing). */
export function scoreRange(m: LinearModel, text: string, start: number, end: number): number {
  return sigmoid(m.bias + m.scale * linearMargin(text, start, end, m.spec, m.weights));
}

interface Grid {
  /** Characters per block; windows are `per` blocks long and start at every block. */
  size: number;
  nb: number;
  per: number;
}

function gridOf(m: LinearModel, length: number): Grid {
  const size = Math.max(16, Math.floor(m.stride / 4));
  return { size, nb: Math.ceil(length / size), per: Math.max(1, Math.round(m.window / size)) };
}

const blockSums = (g: Grid) => ({ size: g.size, sums: new Float64Array(g.nb + 1), ns: new Int32Array(g.nb + 1) });

/**
 * Max window probability and the window it came from. Short texts are scored
 * whole, exactly as in training. Long texts take one feature pass with
 * cumulative sums per block of stride/4 characters; every window (window/block
 * blocks, moved one block at a time) then costs O(1), so overlap is free.
 */
export function scoreWindows(m: LinearModel, text: string): { score: number; start: number; end: number } {
  if (text.length <= m.window) return { score: scoreRange(m, text, 0, text.length), start: 0, end: text.length };
  const g = gridOf(m, text.length);
  if (m.screen && text.length > SCREEN_FROM) {
    const sc = blockSums(g);
    walkFeatures(text, 0, text.length, m.screen.spec, m.screen.weights, null, sc);
    return cascade(m, text, g, sc);
  }
  const b = blockSums(g);
  walkFeatures(text, 0, text.length, m.spec, m.weights, null, b);
  let best = { score: 0, start: 0, end: 0 };
  for (let x = 0; ; x++) {
    const e = Math.min(g.nb, x + g.per);
    const n = b.ns[e]! - b.ns[x]!;
    const p = sigmoid(m.bias + (n > 0 ? (m.scale * (b.sums[e]! - b.sums[x]!)) / Math.sqrt(n) : 0));
    if (p > best.score) best = { score: p, start: x * g.size, end: Math.min(text.length, e * g.size) };
    if (e >= g.nb) break;
  }
  return best;
}

/**
 * The cascade for long texts, given the screening model's block sums: the
 * full model on the windows the screen flags. Flagged windows that overlap
 * form one region; a region takes one full-feature pass with block sums, so
 * each character is walked once however many flagged windows cover it.
 */
function cascade(m: LinearModel, text: string, g: Grid, screen: { sums: Float64Array; ns: Int32Array }): { score: number; start: number; end: number } {
  return scoreFlagged(m, text, g, flaggedWindows(m.screen!, g, screen));
}

/** The windows (first block of each) a screening model scores at or above its threshold. */
function flaggedWindows(sc: NonNullable<LinearModel['screen']>, g: Grid, screen: { sums: Float64Array; ns: Int32Array }): number[] {
  const { nb, per } = g;
  const { sums, ns } = screen;
  const flagged: number[] = [];
  for (let b = 0; ; b++) {
    const e = Math.min(nb, b + per);
    const n = ns[e]! - ns[b]!;
    const p = sigmoid(sc.bias + (n > 0 ? (sc.scale * (sums[e]! - sums[b]!)) / Math.sqrt(n) : 0));
    if (p >= sc.threshold) flagged.push(b);
    if (e >= nb) break;
  }
  return flagged;
}

/**
 * The full model on the given windows. Flagged windows that overlap form one
 * region; a region takes one full-feature pass with block sums, so each
 * character is walked once however many flagged windows cover it.
 */
function scoreFlagged(m: LinearModel, text: string, g: Grid, flagged: number[]): { score: number; start: number; end: number } {
  const { size, nb, per } = g;
  let best = { score: 0, start: 0, end: 0 };
  for (let k = 0; k < flagged.length; ) {
    const rb = flagged[k]!;
    let re = Math.min(nb, rb + per);
    let j = k + 1;
    while (j < flagged.length && flagged[j]! < re) re = Math.min(nb, flagged[j++]! + per);
    const rs = rb * size;
    const rlen = re - rb;
    const rsums = new Float64Array(rlen + 1);
    const rns = new Int32Array(rlen + 1);
    walkFeatures(text, rs, Math.min(text.length, re * size), m.spec, m.weights, null, { size, sums: rsums, ns: rns });
    for (let x = k; x < j; x++) {
      const b = flagged[x]! - rb;
      const e = Math.min(rlen, b + per);
      const n = rns[e]! - rns[b]!;
      const q = sigmoid(m.bias + (n > 0 ? (m.scale * (rsums[e]! - rsums[b]!)) / Math.sqrt(n) : 0));
      if (q > best.score) best = { score: q, start: rs + b * size, end: Math.min(text.length, rs + e * size) };
    }
    k = j;
  }
  return best;
}

/**
 * Both heads' screens in one word walk (they share the word features), which
 * also collects the heuristics' anchor candidates when given a probe. Returns
 * undefined where the cascade does not apply (short text, no screen, heads
 * on different grids or screen features); the caller scores the usual way.
 */
function screenHeads(heads: LinearModel[], text: string, probe: AnchorProbe | null, follow = false): Array<{ score: number; start: number; end: number }> | undefined {
  const [a, b] = heads as [LinearModel, LinearModel | undefined];
  if (text.length <= SCREEN_FROM || !a.screen || !isWordPairSpec(a.screen.spec)) return undefined;
  if (follow && b?.screen && isWordPairSpec(b.screen.spec) && a.window === b.window && a.stride === b.stride) {
    // the first head scores the windows the second's screen flags (see dataHeads)
    const g = gridOf(b, text.length);
    const sb = blockSums(g);
    walkWordTables(text, 0, text.length, b.screen.spec.bits, { weights: b.screen.weights, blocks: sb }, null, probe);
    const flagged = flaggedWindows(b.screen, g, sb);
    return [scoreFlagged(a, text, g, flagged), scoreFlagged(b, text, g, flagged)];
  }
  const ga = gridOf(a, text.length);
  const gb = b ? gridOf(b, text.length) : undefined;
  if (b && !(b.screen && b.screen.spec === a.screen.spec && (ga.size % gb!.size === 0 || gb!.size % ga.size === 0))) return undefined;
  const sa = blockSums(ga);
  const sb = gb ? blockSums(gb) : null;
  walkWordTables(text, 0, text.length, a.screen.spec.bits, { weights: a.screen.weights, blocks: sa }, b ? { weights: b.screen!.weights, blocks: sb! } : null, probe);
  return b ? [cascade(a, text, ga, sa), cascade(b, text, gb!, sb!)] : [cascade(a, text, ga, sa)];
}

/**
 * The built-in classifier. With two heads, text found in a tool's response
 * gets the geometric mean of both: the response head, trained to find
 * instructions inside documents, finds more of them but alone also fires on
 * benign text that addresses the model (tool descriptions) or looks unlike
 * its training documents; the input head tempers it (the minimum of the two
 * was too strict: it lost attacks the response head alone catches).
 * Everything else is scored by the input head.
 */
export class LinearClassifier implements InjectionClassifier {
  readonly name: string;
  readonly thresholds?: Record<ScanPoint, number>;
  /** The heads a tool's response is scored with (see dataHeads). */
  private readonly responseHeads?: [LinearModel, LinearModel];
  constructor(readonly model: LinearModel | HeadsModel, name = 'builtin-lr') {
    this.name = name;
    if ('response' in model) {
      this.thresholds = model.thresholds;
      this.responseHeads = dataHeads(model);
    }
  }
  /**
   * With `probe`, a long text's screening walk also collects the heuristics'
   * anchor candidates into it and sets `probe.filled`; otherwise the probe is
   * left untouched.
   */
  score(text: string, point?: ScanPoint, probe?: AnchorProbe): number {
    const m = this.model;
    const heads = !('response' in m) ? [m] : point === 'response' ? this.responseHeads! : [m.input];
    const screened = screenHeads(heads, text, probe ?? null, heads === this.responseHeads);
    if (screened && probe) probe.filled = true;
    const s = screened ? screened.map((x) => x.score) : heads.map((h) => scoreWindows(h, text).score);
    return s.length === 2 ? Math.sqrt(s[0]! * s[1]!) : s[0]!;
  }
}

/**
 * The heads for data (a tool's response): the response head, and the input
 * head on the response head's short windows instead of its own long ones. An
 * instruction slipped into a document is a line or two; in a 512-character
 * window of table rows or e-mail it is diluted, and the input head, which
 * tempers the response head, let it through (BIPIA e-mail and table recall
 * 42-48%, code 74%). On the same grid both heads still share one word walk.
 */
export function dataHeads(m: HeadsModel): [LinearModel, LinearModel] {
  // On a long text (over SCREEN_FROM) the input head scores only the windows
  // the response head's screen flags (screenHeads): its own screen, trained on
  // 512-character windows, flags too many short ones (38% of benign prose
  // against 6%). On a long text the input head thus only tempers windows the
  // response head finds suspect.
  return [{ ...m.input, window: m.response.window, stride: m.response.stride }, m.response];
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
