// Redaction with stable typed placeholders: the same value gets the same
// placeholder ([EMAIL_1], [SECRET_2], ...) everywhere within a session, so a
// redacted tool response still reads coherently to the model ("send it to
// [EMAIL_1]"). Values are remembered only as salted hashes, never in clear,
// and memory is bounded (sessions and values per session, LRU).

import { randomBytes } from 'node:crypto';
import { sha256 } from '../hash.ts';
import type { Span } from './types.ts';

export interface RedactionLimits {
  maxSessions: number;
  maxValuesPerSession: number;
}

interface SessionMap {
  byHash: Map<string, string>;
  counters: Map<string, number>;
}

export class Redactor {
  private readonly sessions = new Map<string, SessionMap>();
  private readonly salt = randomBytes(16).toString('hex');
  constructor(private readonly limits: RedactionLimits = { maxSessions: 10_000, maxValuesPerSession: 10_000 }) {}

  /** The placeholder for `value` of `kind` in `session` (a fresh map when no session is given). */
  placeholder(kind: string, value: string, session: SessionMap): string {
    const h = sha256(`${this.salt}${kind}\0${value}`);
    let p = session.byHash.get(h);
    if (p === undefined) {
      const n = (session.counters.get(kind) ?? 0) + 1;
      session.counters.set(kind, n);
      p = `[${kind.toUpperCase()}_${n}]`;
      // Past the bound, values still get a placeholder but are no longer remembered.
      if (session.byHash.size < this.limits.maxValuesPerSession) session.byHash.set(h, p);
    }
    return p;
  }

  session(id?: string): SessionMap {
    if (id === undefined) return { byHash: new Map(), counters: new Map() };
    let s = this.sessions.get(id);
    if (s) {
      // refresh LRU position
      this.sessions.delete(id);
      this.sessions.set(id, s);
      return s;
    }
    s = { byHash: new Map(), counters: new Map() };
    this.sessions.set(id, s);
    if (this.sessions.size > this.limits.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    return s;
  }

  /** Forgets a session's placeholders (e.g. when the session ends). */
  forget(id: string): void {
    this.sessions.delete(id);
  }

  /** Replaces each span (non-overlapping after merge) by its placeholder. */
  apply(text: string, items: Array<{ span: Span; kind: string }>, sessionId?: string): string {
    if (items.length === 0) return text;
    const session = this.session(sessionId);
    const sorted = [...items].sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
    let out = '';
    let pos = 0;
    for (const it of sorted) {
      if (it.span.start < pos) continue; // overlaps a span already replaced
      out += text.slice(pos, it.span.start);
      out += this.placeholder(it.kind, text.slice(it.span.start, it.span.end), session);
      pos = it.span.end;
    }
    return out + text.slice(pos);
  }
}
