// Canary tokens: a random token planted in a system prompt (or any secret
// context); if it ever shows up in output, the context leaked. Tokens carry an
// HMAC tag under a per-firewall key, so any minted token is recognized without
// storing it, and a look-alike string cannot be forged into a false alarm.

import { createHmac, randomBytes } from 'node:crypto';
import type { Finding } from './types.ts';

const PREFIX = 'cnry_';
const TOKEN = /cnry_([0-9a-f]{16})([0-9a-f]{12})/gi;

export class CanaryKeeper {
  private readonly key: Buffer;
  constructor(key?: Uint8Array) {
    this.key = key ? Buffer.from(key) : randomBytes(32);
  }

  /** A fresh token, e.g. cnry_1f2e3d4c5b6a79880123456789ab. */
  mint(): string {
    const id = randomBytes(8).toString('hex');
    return `${PREFIX}${id}${this.tag(id)}`;
  }

  verify(token: string): boolean {
    const m = /^cnry_([0-9a-f]{16})([0-9a-f]{12})$/i.exec(token);
    return !!m && this.tag(m[1]!.toLowerCase()) === m[2]!.toLowerCase();
  }

  /** Minted tokens found in `text` (case-insensitive, so a model's re-casing does not hide a leak). */
  find(text: string): Finding[] {
    const first = firstPrefix(text);
    if (first < 0) return [];
    const out: Finding[] = [];
    TOKEN.lastIndex = first;
    for (let m = TOKEN.exec(text); m && out.length < 64; m = TOKEN.exec(text)) {
      if (this.tag(m[1]!.toLowerCase()) === m[2]!.toLowerCase()) {
        out.push({ type: 'canary', rule: 'canary', kind: 'canary', span: { start: m.index, end: m.index + m[0].length }, score: 1, message: 'canary token leaked (the protected context was disclosed)' });
      }
    }
    return out;
  }

  private tag(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('hex').slice(0, 12);
  }
}

/**
 * Index of the first "cnry_" in any case, or -1, found through its
 * underscore: indexOf of one character is a fast native search over a long
 * text, a case-insensitive regex is several times slower.
 */
function firstPrefix(text: string): number {
  // (c | 32) folds an ASCII capital to its small letter and leaves the small one.
  for (let i = text.indexOf('_', 4); i >= 0; i = text.indexOf('_', i + 1)) {
    if ((text.charCodeAt(i - 4) | 32) === 0x63 && (text.charCodeAt(i - 3) | 32) === 0x6e && (text.charCodeAt(i - 2) | 32) === 0x72 && (text.charCodeAt(i - 1) | 32) === 0x79) return i - 4;
  }
  return -1;
}
