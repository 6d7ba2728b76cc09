// Dashboard login sessions: logging in with an approver or admin API key
// creates a random session id, sent as an HttpOnly SameSite=Strict cookie, so
// the key itself never sits in the browser's JavaScript or storage. Each
// session carries a CSRF token the page sends back on every state-changing
// request. Bounded (oldest dropped) and expiring.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from '../auth.ts';

export const COOKIE = 'aw_session';

interface Session {
  caller: Caller;
  csrf: string;
  expires: number;
}

export class DashboardSessions {
  private readonly map = new Map<string, Session>();

  constructor(private readonly ttlMs = 12 * 3_600_000, private readonly max = 1000) {}

  create(caller: Caller): { id: string; csrf: string; maxAgeS: number } {
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    this.map.set(id, { caller, csrf, expires: Date.now() + this.ttlMs });
    return { id, csrf, maxAgeS: Math.floor(this.ttlMs / 1000) };
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.map.get(id);
    if (!s) return undefined;
    if (s.expires <= Date.now()) {
      this.map.delete(id);
      return undefined;
    }
    return s;
  }

  destroy(id: string | undefined): void {
    if (id) this.map.delete(id);
  }

  /** Drops every session of a key (revoked). */
  dropKey(keyId: string): void {
    for (const [id, s] of this.map) if (s.caller.keyId === keyId) this.map.delete(id);
  }

  static csrfOk(s: Session, presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(s.csrf);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i === -1) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
