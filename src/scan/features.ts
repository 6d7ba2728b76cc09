// Feature hashing for the injection classifier, shared by training
// (scripts/train-injection.ts) and inference (classifier.ts) so both see the
// exact same features: character n-grams (orders 3, 4, 5) over a folded
// alphabet (case folded, digits merged, whitespace runs collapsed) and word
// unigrams and bigrams, hashed into 2^bits buckets. One walker serves both
// uses (sum weights, or count buckets), so the two cannot drift apart. Rolling
// hashes: O(1) work and no allocation per character; this loop is the
// classifier's whole cost, so it is written flat on purpose.

import { wordWalkKernel, type RunSink, type TrigramSink, type WalkState } from './wasm/word-walk.ts';
import { FEATURE_FOLD as FOLD, WORDCH } from './word-chars.ts';
import { Int32List } from './int32-list.ts';
import { fullWalkKernel } from './wasm/full-walk.ts';

export interface FeatureSpec {
  bits: number;
  /** Character n-gram orders, a subset of [3, 4, 5]. */
  char: number[];
  /** Word features: 1 = unigrams, 2 = bigrams. */
  word: number[];
}

export const DEFAULT_SPEC: FeatureSpec = { bits: 18, char: [3, 4, 5], word: [1, 2] };

/** Word unigrams and bigrams only (the screening models): what walkWordTables computes. */
export const isWordPairSpec = (spec: FeatureSpec): boolean => spec.char.length === 0 && spec.word.includes(1) && spec.word.includes(2);

const P = 0x01000193;

/**
 * Walks the features of text[start, end). With `weights`, returns the sum of
 * their weights; with `counts`, adds each bucket's count. `n` is the number of
 * features (the scaling divides by sqrt(n)). Weights are the quantized Int8
 * ones: the sum is in their units (the model multiplies by its scale).
 */
export function walkFeatures(
  text: string,
  start: number,
  end: number,
  spec: FeatureSpec,
  weights: Int8Array | null,
  counts: Map<number, number> | null,
  blocks?: { size: number; sums: Float64Array; ns: Int32Array },
): { sum: number; n: number } {
  if (weights && isWordPairSpec(spec)) return walkWords(text, start, end, spec.bits, weights, blocks);
  if (weights && [3, 4, 5].every((k) => spec.char.includes(k)) && spec.char.length === 3 && spec.word.includes(1) && spec.word.includes(2)) return walkFull(text, start, end, spec.bits, weights, blocks);
  return walkGeneral(text, start, end, spec, weights, counts, blocks);
}


/**
 * walkGeneral for the default features (character 3-, 4-, 5-grams, word
 * unigrams and bigrams), summing weights: the classifier's cost on every text
 * of more than a few words, so flat like walkWords (tables for the folds,
 * blocks as an outer loop). Tested against walkGeneral.
 */
function walkFull(text: string, start: number, end: number, bits: number, weights: Int8Array, blocks?: { size: number; sums: Float64Array; ns: Int32Array }): { sum: number; n: number } {
  const kernel = end - start >= FULL_KERNEL_FROM && useKernel ? fullWalkKernel() : undefined;
  return kernel ? kernel.walk(text, start, end, bits, weights, blocks) : walkFullJs(text, start, end, bits, weights, blocks);
}

/** The JavaScript full-feature walk: the WebAssembly kernel's reference and fallback. */
function walkFullJs(text: string, start: number, end: number, bits: number, weights: Int8Array, blocks?: { size: number; sums: Float64Array; ns: Int32Array }): { sum: number; n: number } {
  const mask = (1 << bits) - 1;
  let h1 = 0x20, h2 = 0, h3 = 0, h4 = 0, seen = 1;
  let prevSpace = true;
  let word = 0, wordLen = 0, prevWord = 0, havePrev = false;
  let n = 0, sum = 0, h = 0, c = 0;
  const step = blocks ? blocks.size : end - start + 1;
  let block = 0;
  // i === end is the virtual trailing space that closes the last word and n-grams;
  // only the block holding it pays for the test.
  for (let bs = start; bs <= end; bs += step) {
    const be = Math.min(end + 1, bs + step);
    const last = be > end;
    for (let i = bs; i < be; i++) {
      c = last && i === end ? 0x20 : FOLD[text.charCodeAt(i)]!;
      if (c === 0x20) {
        if (prevSpace) continue;
        prevSpace = true;
      } else prevSpace = false;
      if (WORDCH[c] !== 0) {
        word = Math.imul(word ^ c, P);
        wordLen++;
      } else if (wordLen > 0) {
        h = Math.imul(word ^ 0x1001, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
        sum += weights[h & mask]!;
        n++;
        if (havePrev) {
          h = Math.imul(Math.imul(prevWord, 0x9e3779b1) ^ word ^ 0x2002, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
          sum += weights[h & mask]!;
          n++;
        }
        prevWord = word;
        havePrev = true;
        word = 0;
        wordLen = 0;
      }
      const n5 = Math.imul(h4, P) ^ c, n4 = Math.imul(h3, P) ^ c, n3 = Math.imul(h2, P) ^ c, n2 = Math.imul(h1, P) ^ c;
      h1 = c; h2 = n2; h3 = n3; h4 = n4;
      seen++;
      if (seen >= 5) {
        h = Math.imul(n3 ^ 3, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
        sum += weights[h & mask]!;
        h = Math.imul(n4 ^ 4, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
        sum += weights[h & mask]!;
        h = Math.imul(n5 ^ 5, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
        sum += weights[h & mask]!;
        n += 3;
      } else {
        if (seen >= 3) {
          h = Math.imul(n3 ^ 3, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
          sum += weights[h & mask]!;
          n++;
        }
        if (seen >= 4) {
          h = Math.imul(n4 ^ 4, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
          sum += weights[h & mask]!;
          n++;
        }
      }
    }
    if (blocks && be - bs === step && be <= end) {
      block++;
      blocks.sums[block] = sum;
      blocks.ns[block] = n;
    }
  }
  if (blocks) {
    for (let b = block + 1; b < blocks.sums.length; b++) {
      blocks.sums[b] = sum;
      blocks.ns[b] = n;
    }
  }
  return { sum, n };
}

/** The general walk (any feature orders); walkWords must agree with it on word-only specs (test/scan/features.test.ts). */
export function walkGeneral(
  text: string,
  start: number,
  end: number,
  spec: FeatureSpec,
  weights: Int8Array | null,
  counts: Map<number, number> | null,
  blocks?: { size: number; sums: Float64Array; ns: Int32Array },
): { sum: number; n: number } {
  const mask = (1 << spec.bits) - 1;
  const c3 = spec.char.includes(3), c4 = spec.char.includes(4), c5 = spec.char.includes(5);
  const w1 = spec.word.includes(1), w2 = spec.word.includes(2);
  const anyChar = c3 || c4 || c5;
  let h1 = 0x20, h2 = 0, h3 = 0, h4 = 0, seen = 1;
  let prevSpace = true;
  let word = 0, wordLen = 0, prevWord = 0, havePrev = false;
  let n = 0, sum = 0, h = 0;
  // Block mode: cumulative sum and count at each block boundary, so any run of blocks scores in O(1).
  let nextBoundary = blocks ? start + blocks.size : end + 1;
  let block = 0;
  for (let i = start; i <= end; i++) {
    if (i === nextBoundary) {
      block++;
      blocks!.sums[block] = sum;
      blocks!.ns[block] = n;
      nextBoundary += blocks!.size;
    }
    // One virtual trailing space closes the last word and n-grams.
    let c = i < end ? text.charCodeAt(i) : 0x20;
    if (c >= 0x41 && c <= 0x5a) c += 32;
    else if (c >= 0x30 && c <= 0x39) c = 0x30;
    else if (c === 9 || c === 10 || c === 13) c = 0x20;
    if (c === 0x20) {
      if (prevSpace) continue;
      prevSpace = true;
    } else prevSpace = false;
    if ((c >= 0x61 && c <= 0x7a) || c === 0x30 || c >= 0xc0) {
      word = Math.imul(word ^ c, P);
      wordLen++;
    } else if (wordLen > 0) {
      if (w1) {
        h = Math.imul(word ^ 0x1001, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= mask;
        if (weights) sum += weights[h]!; else counts!.set(h, (counts!.get(h) ?? 0) + 1);
        n++;
      }
      if (w2 && havePrev) {
        h = Math.imul(Math.imul(prevWord, 0x9e3779b1) ^ word ^ 0x2002, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= mask;
        if (weights) sum += weights[h]!; else counts!.set(h, (counts!.get(h) ?? 0) + 1);
        n++;
      }
      prevWord = word;
      havePrev = true;
      word = 0;
      wordLen = 0;
    }
    if (!anyChar) continue; // word-only models (the screening model) skip the character n-grams
    const n5 = Math.imul(h4, P) ^ c, n4 = Math.imul(h3, P) ^ c, n3 = Math.imul(h2, P) ^ c, n2 = Math.imul(h1, P) ^ c;
    h1 = c; h2 = n2; h3 = n3; h4 = n4;
    seen++;
    if (c3 && seen >= 3) {
      h = Math.imul(n3 ^ 3, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= mask;
      if (weights) sum += weights[h]!; else counts!.set(h, (counts!.get(h) ?? 0) + 1);
      n++;
    }
    if (c4 && seen >= 4) {
      h = Math.imul(n4 ^ 4, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= mask;
      if (weights) sum += weights[h]!; else counts!.set(h, (counts!.get(h) ?? 0) + 1);
      n++;
    }
    if (c5 && seen >= 5) {
      h = Math.imul(n5 ^ 5, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= mask;
      if (weights) sum += weights[h]!; else counts!.set(h, (counts!.get(h) ?? 0) + 1);
      n++;
    }
  }
  if (blocks) {
    for (let b = block + 1; b < blocks.sums.length; b++) {
      blocks.sums[b] = sum;
      blocks.ns[b] = n;
    }
  }
  return { sum, n };
}

/** Sparse feature vector of a text range: sorted buckets, values count / sqrt(n) (the scaling the linear score uses). */
export function featureVector(text: string, start: number, end: number, spec: FeatureSpec): { idx: Int32Array; val: Float32Array } {
  const counts = new Map<number, number>();
  const { n } = walkFeatures(text, start, end, spec, null, counts);
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const norm = Math.sqrt(n) || 1;
  const idx = new Int32Array(keys.length);
  const val = new Float32Array(keys.length);
  keys.forEach((k, i) => {
    idx[i] = k;
    val[i] = counts.get(k)! / norm;
  });
  return { idx, val };
}

/** Linear margin of a text range (without bias). */
export function linearMargin(text: string, start: number, end: number, spec: FeatureSpec, weights: Int8Array): number {
  const { sum, n } = walkFeatures(text, start, end, spec, weights, null);
  return n === 0 ? 0 : sum / Math.sqrt(n);
}


/** Rolling word hash over WORDCH-folded characters: the value the word walkers compute for `token` (one word). */
export function wordHash(token: string): number {
  let word = 0;
  for (let i = 0; i < token.length; i++) {
    const c = WORDCH[token.charCodeAt(i)]!;
    if (c !== 0) word = Math.imul(word ^ c, P);
  }
  return word;
}

/** Bucket of a word hash in an anchor bitmap of 2^16 bits. */
export const anchorBucket = (word: number): number => (word ^ (word >>> 16)) & 0xffff;

/** An anchor bitmap (2^16 bits) holding these word hashes; OR several to probe for all their words in one walk. */
export function wordBitmap(hashes: Iterable<number>): Uint32Array {
  const bitmap = new Uint32Array(1 << 11);
  for (const h of hashes) {
    const k = anchorBucket(h);
    bitmap[k >>> 5]! |= 1 << (k & 31);
  }
  return bitmap;
}

/**
 * Texts from this many characters walk in the WebAssembly kernels
 * (wasm/word-walk.ts, wasm/full-walk.ts); shorter ones are not worth the
 * copy. The full walk runs on the screen's flagged regions, a window or more.
 */
const KERNEL_FROM = 4096;
const FULL_KERNEL_FROM = 256;
let useKernel = true;

/** Turns the WebAssembly walks off or on (tests compare them with the JavaScript walkers); returns the previous setting. */
export function setWordWalkKernel(on: boolean): boolean {
  const was = useKernel;
  useKernel = on;
  return was;
}

export interface WordTable {
  weights: Int8Array;
  blocks?: { size: number; sums: Float64Array; ns: Int32Array };
}

/**
 * Word positions wanted by another detector, collected during the same walk
 * (the heuristics' anchor words: see heuristics.ts). A word whose hash falls
 * in `bitmap` is reported as the pair (start, hash); a word holding a
 * character from U+00C0 up, which the regex word boundary splits differently,
 * as (~start, length) for the caller to search itself.
 */
export class AnchorProbe {
  private readonly list = new Int32List();
  /** Set by the walker's caller once the pairs cover the whole text. */
  filled = false;
  /** Where the WebAssembly walk also reports the secret scanner's keyword trigrams. */
  readonly trigrams?: TrigramSink;
  /** Where the WebAssembly walk also reports decode's candidate runs. */
  readonly runs?: RunSink;
  /**
   * @param also where the WebAssembly walk also reports what other detectors
   * would find with passes of their own (it sets each sink's `filled`); the
   * JavaScript walk leaves them unfilled, and those detectors make their own passes.
   */
  constructor(
    readonly bitmap: Uint32Array,
    also: { trigrams?: TrigramSink; runs?: RunSink } = {},
  ) {
    this.trigrams = also.trigrams;
    this.runs = also.runs;
  }

  push(a: number, b: number): void {
    this.list.push2(a, b);
  }

  /** Pairs reported in bulk (the WebAssembly walk). */
  add(pairs: Int32Array): void {
    this.list.addAll(pairs);
  }

  pairs(): Int32Array {
    return this.list.view();
  }
}

function walkWords(text: string, start: number, end: number, bits: number, weights: Int8Array, blocks?: { size: number; sums: Float64Array; ns: Int32Array }): { sum: number; n: number } {
  return walkWordTables(text, start, end, bits, { weights, blocks }, null, null);
}

/**
 * Word unigrams + bigrams, summing the weights of one or two tables (the two
 * heads' screening models share their features) and optionally probing for
 * anchor words: one walk for what would otherwise be three. Returns the first
 * table's sum. Long texts walk in the WebAssembly kernel (wasm/word-walk.ts);
 * walkGeneral is the reference both walkers are tested against.
 */
export function walkWordTables(text: string, start: number, end: number, bits: number, a: WordTable, b: WordTable | null, probe: AnchorProbe | null): { sum: number; n: number } {
  // Blocks as an outer loop: the inner loop is the character walk alone (a
  // boundary test per character cost a fifth of the pass). The step is the
  // smaller block size; a table's boundary (a multiple of it) records the sums
  // before the character that starts the next block, exactly as walkGeneral does.
  const step = a.blocks || b?.blocks ? Math.min(a.blocks?.size ?? Infinity, b?.blocks?.size ?? Infinity) : end - start + 1;
  if ((a.blocks && a.blocks.size % step !== 0) || (b?.blocks && b.blocks.size % step !== 0)) throw new Error('walkWordTables: block sizes must be multiples of each other');
  const kernel = end - start >= KERNEL_FROM && useKernel ? wordWalkKernel() : undefined;
  const st = kernel ? kernel.walk(text, start, end, bits, a.blocks || b?.blocks ? step : 4096, a, b, probe) : walkWordsJs(text, start, end, bits, step, a, b, probe);
  return closeWalk(end, bits, a, b, probe, st);
}

/**
 * The work per word of the word walks: both tables' unigram and bigram
 * weights, and the anchor probe. The JavaScript walk calls it per word and
 * the end of both walks for the last one; the WebAssembly kernel does the same
 * inline. (The JavaScript walk is the reference and the fallback: texts long
 * enough to be screened go to the kernel.)
 */
class WordSums {
  sum = 0;
  sum2 = 0;
  n = 0;
  prevWord = 0;
  havePrev = false;
  private readonly mask: number;
  constructor(
    bits: number,
    private readonly wa: Int8Array,
    private readonly wb: Int8Array | null,
    private readonly probe: AnchorProbe | null,
  ) {
    this.mask = (1 << bits) - 1;
  }

  /** The word that ends before `at + wordLen`, starting at `at`. */
  word(word: number, wordLen: number, wide: number, at: number): void {
    let h = Math.imul(word ^ 0x1001, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= this.mask;
    this.sum += this.wa[h]!;
    if (this.wb) this.sum2 += this.wb[h]!;
    this.n++;
    if (this.havePrev) {
      h = Math.imul(Math.imul(this.prevWord, 0x9e3779b1) ^ word ^ 0x2002, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; h &= this.mask;
      this.sum += this.wa[h]!;
      if (this.wb) this.sum2 += this.wb[h]!;
      this.n++;
    }
    const probe = this.probe;
    if (probe) {
      if (wide >= 0x80) probe.push(~at, wordLen);
      else {
        const k = anchorBucket(word);
        if ((probe.bitmap[k >>> 5]! & (1 << (k & 31))) !== 0) probe.push(at, word);
      }
    }
    this.prevWord = word;
    this.havePrev = true;
  }
}

/** The JavaScript word walk: everything up to the virtual trailing space. */
function walkWordsJs(text: string, start: number, end: number, bits: number, step: number, a: WordTable, b: WordTable | null, probe: AnchorProbe | null): WalkState {
  const acc = new WordSums(bits, a.weights, b ? b.weights : null, probe);
  let word = 0, wordLen = 0, wide = 0;
  let ka = 0, kb = 0;
  for (let bs = start; bs < end; bs += step) {
    const be = Math.min(end, bs + step);
    for (let i = bs; i < be; i++) {
      const c = WORDCH[text.charCodeAt(i)]!;
      if (c !== 0) {
        word = Math.imul(word ^ c, P);
        wordLen++;
        wide |= c;
      } else if (wordLen > 0) {
        acc.word(word, wordLen, wide, i - wordLen);
        word = 0;
        wordLen = 0;
        wide = 0;
      }
    }
    if (be - bs === step) {
      if (a.blocks && (be - start) % a.blocks.size === 0) {
        a.blocks.sums[++ka] = acc.sum;
        a.blocks.ns[ka] = acc.n;
      }
      if (b?.blocks && (be - start) % b.blocks.size === 0) {
        b.blocks.sums[++kb] = acc.sum2;
        b.blocks.ns[kb] = acc.n;
      }
    }
  }
  return { word, wordLen, wide, prevWord: acc.prevWord, havePrev: acc.havePrev, sum: acc.sum, sum2: acc.sum2, n: acc.n, ka, kb };
}

/**
 * The end of both word walks: the virtual trailing space closes the last
 * word, and blocks past the last full one get the totals.
 */
function closeWalk(end: number, bits: number, a: WordTable, b: WordTable | null, probe: AnchorProbe | null, st: WalkState): { sum: number; n: number } {
  const acc = Object.assign(new WordSums(bits, a.weights, b ? b.weights : null, probe), { sum: st.sum, sum2: st.sum2, n: st.n, prevWord: st.prevWord, havePrev: st.havePrev });
  if (st.wordLen > 0) acc.word(st.word, st.wordLen, st.wide, end - st.wordLen);
  if (a.blocks) for (let x = st.ka + 1; x < a.blocks.sums.length; x++) (a.blocks.sums[x] = acc.sum), (a.blocks.ns[x] = acc.n);
  if (b?.blocks) for (let x = st.kb + 1; x < b.blocks.sums.length; x++) (b.blocks.sums[x] = acc.sum2), (b.blocks.ns[x] = acc.n);
  return { sum: acc.sum, n: acc.n };
}
