// A session's (or agent's) history of past actions, newest `capacity` kept.
// Stored by column: times, steps and effects in typed arrays, and per entry
// only a reference to its shared shape (kind, tool, agent, rules, memo) and its
// bounded arguments. A gateway holds 10,000 sessions, so the per-entry cost
// decides its memory; columns also keep the long-lived data in a few large
// allocations instead of many small objects. Storage grows with use (a
// short session allocates little) up to `capacity`.
//
// Rules read entries through the accessors (tAt, effectAt, ...), which
// allocate nothing; back(i) and toArray() build HistoryEntry objects for the
// rest (explain, persistence, the API).

import type { Effect } from '../action.ts';
import type { PastMemo } from '../policy/past.ts';
import { CompactEntry, SHAPES, type Shape } from './entry.ts';
import type { HistoryEntry } from './types.ts';

const EFFECTS: readonly Effect[] = ['allow', 'ask', 'deny'];
const EFFECT_CODE: Readonly<Record<string, number>> = { allow: 0, ask: 1, deny: 2 };
const INITIAL = 8;

export class History {
  private start = 0;
  private count = 0;
  /** Slots allocated so far (grows to capacity). */
  private slots: number;
  /** Per slot: [time, step * 4 + effect code]. One array instead of three: each typed array costs about 130 bytes of its own. */
  private num: Float64Array;
  /** Per slot: [shape, arguments]. */
  private ref: unknown[] = [];
  /** The session of every entry so far (a session's own history), or null before the first push... */
  private session0: string | undefined | null = null;
  /** ...and per slot once entries of different sessions were pushed (an agent's history). */
  private sessions: Array<string | undefined> | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    this.slots = Math.min(INITIAL, capacity);
    this.num = new Float64Array(this.slots * 2);
  }

  get size(): number {
    return this.count;
  }

  push(e: HistoryEntry): void {
    if (this.count === this.slots && this.slots < this.capacity) this.grow();
    const shape = e instanceof CompactEntry ? e.shapeOf() : SHAPES.of(e);
    let at: number;
    if (this.count < this.slots) {
      at = (this.start + this.count) % this.slots;
      this.count++;
    } else {
      at = this.start;
      this.start = (this.start + 1) % this.slots;
    }
    this.num[2 * at] = e.t;
    this.num[2 * at + 1] = e.step * 4 + (EFFECT_CODE[e.effect] ?? 2);
    this.ref[2 * at] = shape;
    this.ref[2 * at + 1] = e.args;
    if (this.sessions) this.sessions[at] = e.session;
    else if (this.session0 === null) this.session0 = e.session;
    else if (e.session !== this.session0) {
      this.sessions = new Array<string | undefined>(this.slots).fill(this.session0);
      this.sessions[at] = e.session;
    }
  }

  /** Slot of the i-th newest entry (0 = newest); i must be < size. */
  private at(i: number): number {
    return (this.start + this.count - 1 - i) % this.slots;
  }

  tAt(i: number): number {
    return this.num[2 * this.at(i)]!;
  }
  stepAt(i: number): number {
    return Math.floor(this.num[2 * this.at(i) + 1]! / 4);
  }
  effectAt(i: number): Effect {
    return EFFECTS[this.num[2 * this.at(i) + 1]! % 4]!;
  }
  private shapeAt(i: number): Shape {
    return this.ref[2 * this.at(i)] as Shape;
  }
  kindAt(i: number): string {
    return this.shapeAt(i).kind;
  }
  toolAt(i: number): string | undefined {
    return this.shapeAt(i).tool;
  }
  pastAt(i: number): PastMemo | undefined {
    return this.shapeAt(i).past;
  }
  argsAt(i: number): Record<string, unknown> | undefined {
    return this.ref[2 * this.at(i) + 1] as Record<string, unknown> | undefined;
  }

  /** The i-th newest entry (0 = newest), or undefined. */
  back(i: number): HistoryEntry | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const a = this.at(i);
    const session = this.sessions ? this.sessions[a] : (this.session0 ?? undefined);
    return new CompactEntry(this.stepAt(i), this.num[2 * a]!, this.effectAt(i), session, this.argsAt(i), this.shapeAt(i));
  }

  /** Oldest first. */
  toArray(): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = this.count - 1; i >= 0; i--) out.push(this.back(i)!);
    return out;
  }

  static from(capacity: number, items: readonly HistoryEntry[]): History {
    const h = new History(capacity);
    for (const it of items.slice(-capacity)) h.push(it);
    return h;
  }

  /** Doubles the slots; only called while not yet wrapped (slots 0..count-1 in order). */
  private grow(): void {
    this.slots = Math.min(this.capacity, this.slots * 2);
    const num = new Float64Array(this.slots * 2);
    num.set(this.num);
    this.num = num;
  }
}
