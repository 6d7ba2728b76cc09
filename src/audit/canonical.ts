// Canonical JSON (object keys sorted, no whitespace, undefined dropped) so the
// same content always hashes the same, whatever the key order it was built in.

export { sha256 } from '../hash.ts';

export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

function write(v: unknown, depth: number): string {
  if (depth > 256) throw new Error('value nested too deeply to hash');
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(v.toString());
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) s += ',';
          const x = v[i];
          s += x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 'null' : write(x, depth + 1);
        }
        return `${s}]`;
      }
      if (v instanceof Date) return JSON.stringify(v.toISOString());
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      let s = '{';
      let first = true;
      for (const k of keys) {
        const x = o[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        if (!first) s += ',';
        first = false;
        s += `${JSON.stringify(k)}:${write(x, depth + 1)}`;
      }
      return `${s}}`;
    }
    default:
      return 'null';
  }
}

