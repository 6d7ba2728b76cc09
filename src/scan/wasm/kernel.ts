// What the WebAssembly kernels share: building one lazily from its bytes
// (fail soft: no WebAssembly means the JavaScript walkers run) and growing
// its memory to a layout's size.

import { Buffer } from 'node:buffer';

/** A getter for one shared kernel built on first use; it returns undefined where WebAssembly is missing or the module fails to compile. */
export function lazyKernel<T>(base64: string, make: (module: WebAssembly.Module) => T): () => T | undefined {
  let kernel: T | null | undefined;
  return () => {
    if (kernel === undefined) {
      try {
        kernel = make(new WebAssembly.Module(Buffer.from(base64, 'base64')));
      } catch {
        kernel = null;
      }
    }
    return kernel ?? undefined;
  };
}

/** Grows `memory` to hold at least `bytes`. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
