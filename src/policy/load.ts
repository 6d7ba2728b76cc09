// Reads a policy from a file, YAML text or a plain object into a PolicySource:
// the parsed document plus a way to map a path inside it back to
// file:line:column. Nothing here decides anything; see compile.ts.

import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Node, type Document } from 'yaml';
import { PolicyError, type PolicyIssue, type PolicyPath } from './errors.ts';

/** A policy larger than this is refused before parsing. */
export const DEFAULT_MAX_POLICY_BYTES = 8 * 1024 * 1024;

export interface PolicySource {
  /** File name, or a label such as '<inline>' or '<object>'. */
  readonly file: string;
  /** The document as plain data. */
  readonly doc: unknown;
  /** Position of the node at `path`, or of its nearest existing ancestor. */
  locate(path: PolicyPath): { line: number; column: number } | undefined;
}

export interface LoadOptions {
  maxBytes?: number;
}

export function readPolicyFile(file: string, opts: LoadOptions = {}): PolicySource {
  const max = opts.maxBytes ?? DEFAULT_MAX_POLICY_BYTES;
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new PolicyError([{ file, path: [], message: `cannot read policy file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  if (size > max) throw new PolicyError([{ file, path: [], message: `policy file is ${size} bytes; the limit is ${max}` }]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PolicyError([{ file, path: [], message: `cannot read policy file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  return parsePolicyText(text, file, opts);
}

export function parsePolicyText(text: string, file = '<inline>', opts: LoadOptions = {}): PolicySource {
  const max = opts.maxBytes ?? DEFAULT_MAX_POLICY_BYTES;
  if (typeof text !== 'string') throw new PolicyError([{ file, path: [], message: 'policy text must be a string' }]);
  if (text.length > max) throw new PolicyError([{ file, path: [], message: `policy text is ${text.length} characters; the limit is ${max}` }]);
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    throw new PolicyError([{ file, path: [], message: `YAML: ${(e as Error).message}` }]);
  }
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((err): PolicyIssue => {
        const pos = lineCounter.linePos(err.pos[0]);
        return { file, path: [], line: pos.line, column: pos.col, message: `YAML: ${firstLine(err.message)}` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new PolicyError([{ file, path: [], message: `YAML: ${(e as Error).message}` }]);
  }
  if (data === null || data === undefined) throw new PolicyError([{ file, path: [], line: 1, column: 1, message: 'policy is empty' }]);
  return {
    file,
    doc: data,
    locate(path) {
      const offset = offsetOf(doc.contents as Node | null, path);
      if (offset === undefined) return undefined;
      const p = lineCounter.linePos(offset);
      return { line: p.line, column: p.col };
    },
  };
}

export function policyFromObject(obj: unknown, label = '<object>'): PolicySource {
  return { file: label, doc: obj, locate: () => undefined };
}

/** Walks the YAML AST along path; points at a map key when the value is a collection. */
function offsetOf(root: Node | null, path: PolicyPath): number | undefined {
  let node: Node | null | undefined = root;
  let best = node?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return best;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      best = key.range?.[0] ?? best;
      if (value && isScalar(value) && seg === path[path.length - 1]) best = value.range?.[0] ?? best;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return best;
      best = item.range?.[0] ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]!;
}
