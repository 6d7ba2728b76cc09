// The word walk (features.ts, walkWordTables) run by a WebAssembly kernel
// (word-walk.wat): the same hashes, sums, block records and probe pairs, in
// about a third of the time of the JavaScript loop on long texts. This module
// lays out the kernel's memory, copies the text in step-aligned chunks (so the
// memory stays bounded whatever the text's size), and turns the kernel's
// per-chunk records into the caller's block sums. It only walks; closing the
// last word stays with features.ts, the same code for both walkers.
//
// Without WebAssembly, or if the module fails to compile, `wordWalkKernel()`
// returns undefined and the JavaScript walker does the work.

import { Buffer } from 'node:buffer';
import { ensureMemory, lazyKernel } from './kernel.ts';
import { WASM_BASE64 } from './word-walk.wasm.ts';
import { WORDCH } from '../word-chars.ts';

export interface WalkTable {
  weights: Int8Array;
  blocks?: { size: number; sums: Float64Array; ns: Int32Array };
}

/** What the walk leaves open for the caller: the last word, the sums, and the last block recorded per table. */
export interface WalkState {
  word: number;
  wordLen: number;
  wide: number;
  prevWord: number;
  havePrev: boolean;
  sum: number;
  sum2: number;
  n: number;
  ka: number;
  kb: number;
}

interface Exports {
  memory: WebAssembly.Memory;
  reset(): void;
  walk(txt: number, n: number, base: number, step: number, ta: number, tb: number, mask: number, probe: number, rec: number, out: number, triOut: number): number;
  word: WebAssembly.Global;
  wordLen: WebAssembly.Global;
  wide: WebAssembly.Global;
  prevWord: WebAssembly.Global;
  havePrev: WebAssembly.Global;
  sumA: WebAssembly.Global;
  sumB: WebAssembly.Global;
  count: WebAssembly.Global;
  trigramCount: WebAssembly.Global;
  runs(txt: number, n: number, bit: number, min: number, out: number): number;
  runPrefix: WebAssembly.Global;
  runSuffix: WebAssembly.Global;
}

/** Where the walk reports keyword trigram ends (secrets.ts, TrigramProbe): the scanner's bitmap and fold, and a sink. */
export interface TrigramSink {
  readonly bits: Int32Array;
  readonly fold: Uint8Array;
  add(positions: Int32Array): void;
  filled: boolean;
}

/**
 * Where the walk reports decode's candidate runs (decode.ts, RunProbe): the
 * class table (bits 1 and 2), each bit's least run length, and a sink for
 * each bit's maximal runs as (start, end) pairs, in text order.
 */
export interface RunSink {
  readonly classes: Uint8Array;
  readonly min: readonly [number, number];
  add(bit: 1 | 2, pairs: Int32Array): void;
  filled: boolean;
}

/** The anchor probe of features.ts, as the kernel sees it. */
export interface ProbeSink {
  readonly bitmap: Uint32Array;
  add(pairs: Int32Array): void;
  trigrams?: TrigramSink;
  runs?: RunSink;
}

const BITMAP = 131072;
const TRIGRAM_FOLD = BITMAP + 8192;
const TRIGRAM_BITS = TRIGRAM_FOLD + 65536;
const RUN_CLASSES = TRIGRAM_BITS + (1 << 18);
const TABLES = RUN_CLASSES + 65536;
/** Characters per kernel call, about; rounded down to a multiple of the block step. */
const CHUNK = 1 << 16;

export class WordWalkKernel {
  private readonly x: Exports;
  private tables: [Int8Array | null, Int8Array | null] = [null, null];
  private bitmap: Uint32Array | null = null;
  private trigramBits: Int32Array | null = null;
  private trigramFold: Uint8Array | null = null;
  private runClasses: Uint8Array | null = null;

  constructor(module: WebAssembly.Module) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    ensureMemory(this.x.memory, TABLES);
    new Uint16Array(this.x.memory.buffer, 0, 65536).set(WORDCH);
  }

  /**
   * Walks text[start, end) as walkWordTables does up to (not including) the
   * virtual trailing space; `step` as there. Returns the open state.
   */
  walk(text: string, start: number, end: number, bits: number, step: number, a: WalkTable, b: WalkTable | null, probe: ProbeSink | null): WalkState {
    const x = this.x;
    const size = 1 << bits;
    if (a.weights.length !== size || (b && b.weights.length !== size)) throw new Error('word walk kernel: a weight table does not hold 2^bits entries');
    const chunk = Math.max(1, Math.floor(CHUNK / step)) * step;
    const tb = TABLES + size;
    const txt = (tb + size + 15) & ~15;
    const rec = txt + 2 * chunk;
    const out = rec + 12 * (Math.floor(chunk / step) + 1);
    const triOut = out + 8 * (Math.floor(chunk / 2) + 2);
    const runOut = triOut + 4 * chunk;
    ensureMemory(this.x.memory, runOut + 8 * (Math.floor(chunk / 2) + 1));
    // Weights are long-lived model data: copied in only when they change. The
    // second table's place depends on bits, so both are copied when either changes.
    if (this.tables[0] !== a.weights || (b && this.tables[1] !== b.weights)) {
      new Int8Array(x.memory.buffer, TABLES, size).set(a.weights);
      if (b) new Int8Array(x.memory.buffer, tb, size).set(b.weights);
      this.tables = [a.weights, b ? b.weights : null];
    }
    if (probe && this.bitmap !== probe.bitmap) {
      new Uint32Array(x.memory.buffer, BITMAP, 2048).set(probe.bitmap);
      this.bitmap = probe.bitmap;
    }
    const tri = probe?.trigrams ?? null;
    if (tri && this.trigramBits !== tri.bits) {
      new Int32Array(x.memory.buffer, TRIGRAM_BITS, 1 << 16).set(tri.bits);
      this.trigramBits = tri.bits;
    }
    if (tri && this.trigramFold !== tri.fold) {
      new Uint8Array(x.memory.buffer, TRIGRAM_FOLD, 65536).set(tri.fold);
      this.trigramFold = tri.fold;
    }
    const runs = probe?.runs ?? null;
    if (runs && this.runClasses !== runs.classes) {
      new Uint8Array(x.memory.buffer, RUN_CLASSES, 65536).set(runs.classes);
      this.runClasses = runs.classes;
    }
    const joins = runs ? [new RunJoin(runs, 1), new RunJoin(runs, 2)] : [];
    const perA = a.blocks ? a.blocks.size / step : 0;
    const perB = b?.blocks ? b.blocks.size / step : 0;
    let sum = 0, sum2 = 0, n = 0, ka = 0, kb = 0, j = 0;
    x.reset();
    for (let cs = start; cs < end; cs += chunk) {
      const ce = Math.min(end, cs + chunk);
      const buf = x.memory.buffer;
      Buffer.from(buf, txt, 2 * (ce - cs)).write(text.slice(cs, ce), 'utf16le');
      const pairs = x.walk(txt, ce - cs, cs, step, TABLES, b ? tb : TABLES, size - 1, probe ? 1 : 0, rec, out, tri ? triOut : 0);
      const r = new Int32Array(buf, rec, 3 * Math.floor((ce - cs) / step));
      for (let i = 0; i < r.length; i += 3) {
        j++;
        if (perA && j % perA === 0) {
          a.blocks!.sums[++ka] = sum + r[i]!;
          a.blocks!.ns[ka] = n + r[i + 2]!;
        }
        if (perB && j % perB === 0) {
          b!.blocks!.sums[++kb] = sum2 + r[i + 1]!;
          b!.blocks!.ns[kb] = n + r[i + 2]!;
        }
      }
      sum += x.sumA.value as number;
      sum2 += x.sumB.value as number;
      n += x.count.value as number;
      if (probe && pairs > 0) probe.add(new Int32Array(buf, out, 2 * pairs));
      if (tri) tri.add(new Int32Array(buf, triOut, x.trigramCount.value as number));
      for (const j of joins) {
        const found = x.runs(txt, ce - cs, j.bit, j.min, runOut);
        j.chunk(cs, ce - cs, new Int32Array(buf, runOut, 2 * found), x.runPrefix.value as number, x.runSuffix.value as number);
      }
    }
    for (const j of joins) j.end();
    if (tri) tri.filled = start === 0 && end === text.length;
    if (runs) runs.filled = start === 0 && end === text.length;
    return {
      word: x.word.value as number,
      wordLen: x.wordLen.value as number,
      wide: x.wide.value as number,
      prevWord: x.prevWord.value as number,
      havePrev: (x.havePrev.value as number) !== 0,
      sum,
      sum2,
      n,
      ka,
      kb,
    };
  }
}

/**
 * Joins one class's runs across chunks: the kernel ends runs at a chunk's
 * edges, and reports the class runs the chunk starts and ends with; a run
 * left open at a chunk's end is extended by the next chunk's first run.
 */
class RunJoin {
  readonly min: number;
  /** Start (text offset) and length of the run open at the last chunk's end; length 0 for none. */
  private openStart = 0;
  private openLen = 0;

  constructor(
    private readonly sink: RunSink,
    readonly bit: 1 | 2,
  ) {
    this.min = sink.min[bit - 1]!;
  }

  /** The chunk at `base` of `n` units: its runs (chunk offsets), the lengths of its edge runs. */
  chunk(base: number, n: number, found: Int32Array, prefix: number, suffix: number): void {
    if (prefix === n) {
      // all of the chunk is inside the class: the open run goes on (or starts here)
      if (this.openLen === 0) this.openStart = base;
      this.openLen += n;
      return;
    }
    let first = 0;
    if (this.openLen > 0) {
      if (this.openLen + prefix >= this.min) this.sink.add(this.bit, Int32Array.of(this.openStart, base + prefix));
      if (found.length > 0 && found[0] === 0) first = 2; // that run, already reported with the open one
      this.openLen = 0;
    }
    let last = found.length;
    if (suffix > 0) {
      if (last > first && found[last - 1] === n) last -= 2; // reported when it closes
      this.openStart = base + n - suffix;
      this.openLen = suffix;
    }
    if (last > first) {
      const pairs = found.slice(first, last);
      for (let i = 0; i < pairs.length; i++) pairs[i]! += base;
      this.sink.add(this.bit, pairs);
    }
  }

  /** The text's end closes the open run. */
  end(): void {
    if (this.openLen >= this.min) this.sink.add(this.bit, Int32Array.of(this.openStart, this.openStart + this.openLen));
    this.openLen = 0;
  }
}

/** The shared kernel, built on first use; undefined where WebAssembly is missing or the module fails to load. */
export const wordWalkKernel = lazyKernel(WASM_BASE64, (module) => new WordWalkKernel(module));
