// A tool's contract: everything about it the model can see (name, title,
// description, input and output schema with their nested descriptions and
// enums, annotations), its canonical hash (the pin), and a readable diff
// between two contracts for the operator.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical.ts';

export interface ToolContract {
  name: string;
  title?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

/** The model-visible part of a tool as listed by a server (unknown fields ignored: they are not shown to the model). */
export function contractOf(tool: Record<string, unknown>): ToolContract {
  const c: ToolContract = { name: String(tool.name) };
  for (const k of ['title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const) {
    if (tool[k] !== undefined) c[k] = tool[k];
  }
  return c;
}

export function contractHash(c: ToolContract): string {
  return `sha256:${createHash('sha256').update(canonicalJson(c)).digest('hex')}`;
}

/** Every string the model can read in a contract, with where it sits (for poisoning scans). */
export function visibleStrings(c: ToolContract, limit = 10_000): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const stack: Array<{ path: string; v: unknown }> = [{ path: '', v: c }];
  while (stack.length > 0 && out.length < limit) {
    const { path, v } = stack.pop()!;
    if (typeof v === 'string') out.push({ path: path || '.', text: v });
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ path: `${path}[${i}]`, v: v[i] });
    else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v).sort().reverse();
      for (const k of keys) {
        // Property names of a schema are model-visible too.
        if (path.endsWith('.properties')) out.push({ path: `${path}.${k}#name`, text: k });
        stack.push({ path: path ? `${path}.${k}` : k, v: (v as Record<string, unknown>)[k] });
      }
    }
  }
  return out;
}

/** Flattens to `path: value` lines, sorted, so a diff reads as what changed where. */
function flatten(v: unknown, path: string, out: Map<string, string>, depth = 0): void {
  if (depth > 64) {
    out.set(path, '…');
    return;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.keys(v).sort().map((k) => [`.${k}`, (v as Record<string, unknown>)[k]] as const);
    if (entries.length === 0) out.set(path || '.', Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) flatten(x, `${path}${k}`, out, depth + 1);
  } else out.set(path || '.', JSON.stringify(v));
}

/**
 * A readable line diff of two contracts: `- path: old` / `+ path: new`,
 * one line per changed leaf, values clipped so a huge description stays readable.
 */
export function contractDiff(before: ToolContract | undefined, after: ToolContract, maxLines = 200): string {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  if (before) flatten(before, '', a);
  flatten(after, '', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const lines: string[] = [];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (x === y) continue;
    const name = k.replace(/^\./, '');
    if (x !== undefined) lines.push(`- ${name}: ${clip(x)}`);
    if (y !== undefined) lines.push(`+ ${name}: ${clip(y)}`);
  }
  if (lines.length > maxLines) return [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n');
  return lines.join('\n');
}

function clip(s: string, n = 400): string {
  // Invisible characters are shown escaped, so the operator sees what the model would get.
  const shown = s.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/gu, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
  return shown.length > n ? `${shown.slice(0, n)}… (${shown.length} chars)` : shown;
}
