// The live decision feed for the dashboard: a fixed-size ring buffer of recent
// decisions, a per-10-second timeline of counts by effect (the chart), and the
// server-sent-event hub that pushes new decisions and approval events to
// connected dashboards. Pushes are batched every `flushMs` (at most `maxPerFlush`
// items each), so 10,000 decisions a second cost the SSE clients a few writes,
// not 10,000. Everything is bounded: buffer, timeline, clients.

import type { ServerResponse } from 'node:http';
import type { Action, Decision } from '../action.ts';

export interface FeedItem {
  seq: number;
  ts: number;
  principal?: string;
  session?: string;
  kind: string;
  tool?: string;
  effect: string;
  rules: string[];
  reason?: string;
  /** One line describing the action (command, path, url, query). */
  summary: string;
}

export const BUCKET_MS = 10_000;

export class Feed {
  private readonly ring: Array<FeedItem | undefined>;
  private next = 0;
  private seq = 0;
  /** Timeline: bucket start (ms) -> counts, in a ring of `buckets` slots. */
  private readonly tlStart: Float64Array;
  private readonly tl: Float64Array;
  private readonly clients = new Set<ServerResponse>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastFlushedSeq = 0;

  constructor(
    readonly capacity = 1000,
    readonly buckets = 360,
    readonly maxClients = 100,
    private readonly flushMs = 250,
    private readonly maxPerFlush = 100,
  ) {
    this.ring = new Array(capacity);
    this.tlStart = new Float64Array(buckets);
    this.tl = new Float64Array(buckets * 3);
  }

  add(action: Action, d: Decision, now = Date.now()): void {
    const item: FeedItem = {
      seq: ++this.seq,
      ts: now,
      kind: typeof action.kind === 'string' ? action.kind.slice(0, 64) : '?',
      effect: d.effect,
      rules: d.rules,
      summary: summarize(action),
    };
    if (action.principal?.id !== undefined) item.principal = String(action.principal.id).slice(0, 128);
    if (action.session !== undefined) item.session = String(action.session).slice(0, 128);
    if (action.tool !== undefined) item.tool = String(action.tool).slice(0, 128);
    if (d.reasons[0] !== undefined) item.reason = d.reasons[0];
    this.ring[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    const start = now - (now % BUCKET_MS);
    const slot = Math.floor(start / BUCKET_MS) % this.buckets;
    if (this.tlStart[slot] !== start) {
      this.tlStart[slot] = start;
      this.tl[slot * 3] = 0;
      this.tl[slot * 3 + 1] = 0;
      this.tl[slot * 3 + 2] = 0;
    }
    this.tl[slot * 3 + (d.effect === 'allow' ? 0 : d.effect === 'deny' ? 1 : 2)]!++;
    if (this.clients.size > 0) this.schedule();
  }

  /** Recent decisions, newest first. */
  recent(limit = 100, filter?: { effect?: string; principal?: string }): FeedItem[] {
    const out: FeedItem[] = [];
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const it = this.ring[(this.next - i + this.capacity * 2) % this.capacity];
      if (!it) break;
      if (filter?.effect && it.effect !== filter.effect) continue;
      if (filter?.principal && it.principal !== filter.principal) continue;
      out.push(it);
    }
    return out;
  }

  /** Counts by effect per BUCKET_MS over the last `span` ms, oldest first (empty buckets included). */
  timeline(span = 30 * 60_000, now = Date.now()): Array<{ t: number; allow: number; deny: number; ask: number }> {
    const n = Math.min(this.buckets, Math.ceil(span / BUCKET_MS));
    const last = now - (now % BUCKET_MS);
    const out = [];
    for (let i = n - 1; i >= 0; i--) {
      const t = last - i * BUCKET_MS;
      const slot = Math.floor(t / BUCKET_MS) % this.buckets;
      const hit = this.tlStart[slot] === t;
      out.push({ t, allow: hit ? this.tl[slot * 3]! : 0, deny: hit ? this.tl[slot * 3 + 1]! : 0, ask: hit ? this.tl[slot * 3 + 2]! : 0 });
    }
    return out;
  }

  /** Adds an SSE client; returns false when the client limit is reached. */
  attach(res: ServerResponse): boolean {
    if (this.clients.size >= this.maxClients) return false;
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    return true;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Pushes an event (approval created or resolved, policy reloaded) to every client. */
  publish(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    this.pending.push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (this.pending.length > 1000) this.pending.splice(0, this.pending.length - 1000);
    this.schedule();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    this.timer = undefined;
    let chunk = this.pending.join('');
    this.pending = [];
    const fresh: FeedItem[] = [];
    for (let i = 1; i <= Math.min(this.maxPerFlush, this.capacity); i++) {
      const it = this.ring[(this.next - i + this.capacity * 2) % this.capacity];
      if (!it || it.seq <= this.lastFlushedSeq) break;
      fresh.push(it);
    }
    if (fresh.length > 0) {
      const skipped = this.seq - this.lastFlushedSeq - fresh.length;
      this.lastFlushedSeq = this.seq;
      chunk += `event: decisions\ndata: ${JSON.stringify({ items: fresh.reverse(), skipped })}\n\n`;
    }
    if (!chunk) return;
    for (const c of this.clients) {
      // A client that does not read is dropped rather than buffered without bound.
      if (c.writableLength > 1024 * 1024) c.destroy();
      else c.write(chunk);
    }
  }
}

/** One line about the action: the command, path, URL or query; for other tools only the argument names (values may be secrets). */
export function summarize(a: Action): string {
  const args = a.args;
  let s = '';
  if (args && typeof args === 'object') {
    const main = args.command ?? args.path ?? args.url ?? args.query;
    if (typeof main === 'string') s = main.length > 200 ? `${main.slice(0, 199)}…` : main;
    else {
      let n = 0;
      for (const k in args) {
        if (n++ === 8) {
          s += ', …';
          break;
        }
        s += n === 1 ? k.slice(0, 40) : `, ${k.slice(0, 40)}`;
      }
      s = `(${s})`;
    }
  }
  if (a.tool && a.kind !== 'shell') s = `${String(a.tool).slice(0, 128)} ${s}`;
  return s;
}
