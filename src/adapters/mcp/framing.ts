// Newline-delimited JSON-RPC framing with a size bound, for both sides of a
// stdio connection. Unlike the SDK's ReadBuffer, an oversized line is not a
// fatal error: it is skipped up to its newline and reported with its first and
// last bytes, so the proxy can answer the request it belonged to and go on.

import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export type Frame =
  | { type: 'message'; message: JSONRPCMessage }
  /** Not JSON, or JSON that is not a JSON-RPC 2.0 message. `id` when one could be read. */
  | { type: 'invalid'; code: number; error: string; id?: string | number | null }
  | { type: 'oversized'; bytes: number; id?: string | number };

const EDGE = 256;

export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside an oversized line: bytes dropped so far, and its head for id sniffing. */
  private skipping: { bytes: number; head: string; tail: Buffer } | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Feeds a chunk; returns the frames it completed. */
  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.skipping) {
        this.skipping.bytes += piece.length;
        this.skipping.tail = Buffer.concat([this.skipping.tail, piece]).subarray(-EDGE);
      } else if (this.size + piece.length > this.maxBytes) {
        const head = Buffer.concat([...this.parts, piece.subarray(0, EDGE)]).subarray(0, EDGE).toString('utf8');
        this.skipping = { bytes: this.size + piece.length, head, tail: Buffer.concat([...this.parts.slice(-1), piece]).subarray(-EDGE) };
        this.parts = [];
        this.size = 0;
      } else if (piece.length > 0) {
        this.parts.push(piece);
        this.size += piece.length;
      }
      if (nl === -1) break;
      if (this.skipping) {
        const id = sniffId(this.skipping.head) ?? sniffId(this.skipping.tail.toString('utf8'));
        out.push({ type: 'oversized', bytes: this.skipping.bytes, ...(id !== undefined ? { id } : {}) });
        this.skipping = undefined;
      } else {
        const line = Buffer.concat(this.parts, this.size).toString('utf8').replace(/\r$/, '');
        this.parts = [];
        this.size = 0;
        if (line.trim() !== '') out.push(parseFrame(line));
      }
      start = nl + 1;
    }
    return out;
  }

  /** Bytes buffered of an incomplete line. */
  get buffered(): number {
    return this.size;
  }
}

export function parseFrame(line: string): Frame {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return { type: 'invalid', code: -32700, error: `Parse error: ${(e as Error).message}`, id: null };
  }
  const r = JSONRPCMessageSchema.safeParse(v);
  if (r.success) return { type: 'message', message: r.data };
  const id = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { id?: unknown }).id : undefined;
  const first = r.error.issues[0];
  const why = Array.isArray(v) ? 'batches are not supported' : first ? `${first.path.join('.') || 'message'}: ${first.message}` : 'not a JSON-RPC 2.0 message';
  return { type: 'invalid', code: -32600, error: `Invalid Request: ${why}`, id: typeof id === 'string' || typeof id === 'number' ? id : null };
}

/** The id of a message from its first or last bytes ("id" may come before or after a huge result). */
function sniffId(s: string): string | number | undefined {
  const m = /"id"\s*:\s*("(?:[^"\\]|\\.){0,128}"|-?\d{1,16})\s*[,}]/.exec(s);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]!) as string | number;
  } catch {
    return undefined;
  }
}

export function serialize(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
