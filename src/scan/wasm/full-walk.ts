// The full-feature walk (features.ts, walkFull) run by a WebAssembly kernel
// (full-walk.wat): the same sums and block sums, in about half the time of
// the JavaScript loop. The classifier runs it on the regions of a long text
// its screen flags. This module lays out the kernel's memory, copies the text
// in step-aligned chunks (bounded memory), appends the virtual trailing space
// the walk ends with, and turns the kernel's records into the caller's
// block sums.
//
// Without WebAssembly, or if the module fails to compile, `fullWalkKernel()`
// returns undefined and the JavaScript walker does the work.

import { Buffer } from 'node:buffer';
import { ensureMemory, lazyKernel } from './kernel.ts';
import { WASM_BASE64 } from './full-walk.wasm.ts';
import { FEATURE_FOLD, WORDCH } from '../word-chars.ts';

interface Exports {
  memory: WebAssembly.Memory;
  reset(): void;
  walk(txt: number, n: number, limit: number, step: number, ta: number, mask: number, rec: number): void;
  sum: WebAssembly.Global;
  count: WebAssembly.Global;
}

const TABLE = 262144;
/** Characters per kernel call, about; rounded down to a multiple of the block step. */
const CHUNK = 1 << 16;

export class FullWalkKernel {
  private readonly x: Exports;
  private table: Int8Array | null = null;

  constructor(module: WebAssembly.Module) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    ensureMemory(this.x.memory, TABLE);
    new Uint16Array(this.x.memory.buffer, 0, 65536).set(WORDCH);
    new Uint16Array(this.x.memory.buffer, 131072, 65536).set(FEATURE_FOLD);
  }

  /**
   * walkFull over text[start, end), the virtual trailing space included:
   * returns the sums and fills `blocks` as walkFull does.
   */
  walk(text: string, start: number, end: number, bits: number, weights: Int8Array, blocks?: { size: number; sums: Float64Array; ns: Int32Array }): { sum: number; n: number } {
    const x = this.x;
    const size = 1 << bits;
    if (weights.length !== size) throw new Error('full walk kernel: the weight table does not hold 2^bits entries');
    const step = blocks ? blocks.size : 4096;
    const chunk = Math.max(1, Math.floor(CHUNK / step)) * step;
    const txt = (TABLE + size + 15) & ~15;
    const rec = (txt + 2 * (chunk + 1) + 7) & ~7;
    ensureMemory(this.x.memory, rec + 8 * (Math.floor(chunk / step) + 2));
    if (this.table !== weights) {
      new Int8Array(x.memory.buffer, TABLE, size).set(weights);
      this.table = weights;
    }
    let sum = 0, n = 0, k = 0;
    x.reset();
    for (let cs = start; cs <= end; cs += chunk) {
      const ce = Math.min(end, cs + chunk);
      const buf = x.memory.buffer;
      const units = ce - cs + (ce === end ? 1 : 0); // the last chunk ends with the virtual space
      if (ce > cs) Buffer.from(buf, txt, 2 * (ce - cs)).write(text.slice(cs, ce), 'utf16le');
      if (ce === end) new Uint16Array(buf, txt + 2 * (ce - cs), 1)[0] = 0x20;
      x.walk(txt, units, ce - cs, step, TABLE, size - 1, rec);
      if (blocks) {
        const r = new Int32Array(buf, rec, 2 * Math.floor((ce - cs) / step));
        for (let i = 0; i < r.length; i += 2) {
          blocks.sums[++k] = sum + r[i]!;
          blocks.ns[k] = n + r[i + 1]!;
        }
      }
      sum += x.sum.value as number;
      n += x.count.value as number;
      if (ce === end) break;
    }
    if (blocks) for (let b = k + 1; b < blocks.sums.length; b++) (blocks.sums[b] = sum), (blocks.ns[b] = n);
    return { sum, n };
  }
}

/** The shared kernel, built on first use; undefined where WebAssembly is missing or the module fails to load. */
export const fullWalkKernel = lazyKernel(WASM_BASE64, (module) => new FullWalkKernel(module));
