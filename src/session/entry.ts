// Shapes and entries of the session histories. A gateway keeps hundreds of
// thousands of entries (10,000 sessions x their histories); what many of them
// have in common (kind, tool, agent, deciding rules, past-condition memo) is
// one shared, frozen Shape, and History (history.ts) stores per entry only its
// time, step, effect, arguments and a reference to its shape. CompactEntry is
// an entry as the rest of the code sees one: built by the tracker and by
// History.back(), it reads like a plain HistoryEntry and serializes to one
// (toJSON), so the persistent store and the API see no difference.

import type { Effect } from '../action.ts';
import type { PastMemo } from '../policy/past.ts';
import type { HistoryEntry } from './types.ts';
import { Interner } from './intern.ts';

export interface Shape {
  readonly kind: string;
  readonly tool: string | undefined;
  readonly principal: string | undefined;
  readonly rules: readonly string[] | undefined;
  readonly past: PastMemo | undefined;
}

/** Distinct shapes kept for sharing; when full the table starts over (entries keep theirs). */
const MAX_SHAPES = 16_384;

export class ShapeTable {
  private readonly shapes = new Map<string, Shape>();
  /** Rule lists, shared by content (each decision and each entry read back has a fresh array). */
  private readonly lists = new Interner();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  /** The shared shape for these fields; `past` must be interned (policy/past.ts), as memos are compared by identity. */
  get(kind: string, tool: string | undefined, principal: string | undefined, ruleList: readonly string[] | undefined, past: PastMemo | undefined): Shape {
    const rules = ruleList && ruleList.length > 0 ? this.lists.list(ruleList) : undefined;
    const key = `${kind}\u0000${tool ?? '\u0001'}\u0000${principal ?? '\u0001'}\u0000${this.idOf(rules)}\u0000${this.idOf(past)}`;
    let s = this.shapes.get(key);
    if (!s) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      s = Object.freeze({ kind, tool, principal, rules, past });
      this.shapes.set(key, s);
    }
    return s;
  }

  /** The shape of a plain entry (read back from storage). */
  of(e: HistoryEntry): Shape {
    return this.get(e.kind, e.tool, e.principal, e.rules, e.past);
  }

  private idOf(o: object | undefined): number {
    if (o === undefined) return 0;
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}

/** The shape table shared by every history in the process. */
export const SHAPES = new ShapeTable();

export class CompactEntry implements HistoryEntry {
  constructor(
    readonly step: number,
    readonly t: number,
    readonly effect: Effect,
    readonly session: string | undefined,
    readonly args: Record<string, unknown> | undefined,
    private readonly shape: Shape,
  ) {}

  get kind(): string {
    return this.shape.kind;
  }
  get tool(): string | undefined {
    return this.shape.tool;
  }
  get principal(): string | undefined {
    return this.shape.principal;
  }
  get rules(): readonly string[] | undefined {
    return this.shape.rules;
  }
  get past(): PastMemo | undefined {
    return this.shape.past;
  }

  shapeOf(): Shape {
    return this.shape;
  }

  /** The same entry at another position (the agent's history numbers steps on its own). */
  withStep(step: number): CompactEntry {
    return new CompactEntry(step, this.t, this.effect, this.session, this.args, this.shape);
  }

  toJSON(): HistoryEntry {
    const e: HistoryEntry = { step: this.step, t: this.t, kind: this.kind, effect: this.effect };
    if (this.tool !== undefined) e.tool = this.tool;
    if (this.args !== undefined) e.args = this.args;
    if (this.principal !== undefined) e.principal = this.principal;
    if (this.session !== undefined) e.session = this.session;
    if (this.rules !== undefined) e.rules = this.rules;
    if (this.past !== undefined) e.past = this.past;
    return e;
  }
}
