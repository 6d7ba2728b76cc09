// PII detection: e-mail addresses, international phone numbers, payment cards
// (Luhn), IBANs (mod 97), US SSNs (valid ranges), IPv4/IPv6 addresses and
// national ids that carry a checksum (Spanish DNI/NIE, Brazilian CPF, Dutch
// BSN, Indian Aadhaar, UK NHS number). Candidates come from hand-written
// scanners or regexes without ambiguous repetition (linear time); validators
// (checksums, ranges, shapes) then keep the real ones.

import { isIPv6 } from 'node:net';
import type { Finding } from './types.ts';

export type PiiKind = 'email' | 'phone' | 'card' | 'iban' | 'ssn' | 'ip' | 'national_id';
export const PII_KINDS: readonly PiiKind[] = ['email', 'phone', 'card', 'iban', 'ssn', 'ip', 'national_id'];

// ---- validators -----------------------------------------------------------

export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18,
  DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23,
  IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27,
  MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** ISO 13616 check: country length (when known) and mod 97 == 1. */
export function validIban(raw: string): boolean {
  const s = raw.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const len = IBAN_LENGTHS[s.slice(0, 2)];
  if (len !== undefined ? s.length !== len : s.length < 15 || s.length > 34) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

/** US SSN ranges: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function validSsn(d: string): boolean {
  if (!/^\d{9}$/.test(d)) return false;
  const area = +d.slice(0, 3), group = +d.slice(3, 5), serial = +d.slice(5);
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

export function validDni(s: string): boolean {
  const m = /^([XYZ]?)(\d{7,8})-?([A-Z])$/.exec(s.toUpperCase());
  if (!m) return false;
  const prefix = m[1] ? String('XYZ'.indexOf(m[1])) : '';
  const n = +(prefix + m[2]);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23] === m[3];
}

export function validCpf(s: string): boolean {
  const d = s.replace(/\D/g, '');
  if (d.length !== 11 || /^(\d)\1{10}$/.test(d)) return false;
  for (const len of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += +d[i]! * (len + 1 - i);
    const check = ((sum * 10) % 11) % 10;
    if (check !== +d[len]!) return false;
  }
  return true;
}

export function validBsn(d: string): boolean {
  if (!/^\d{9}$/.test(d) || d === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += +d[i]! * (9 - i);
  sum -= +d[8]!;
  return sum % 11 === 0;
}

const VD = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],[4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],[8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]];
const VP = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],[9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]];
/** Verhoeff checksum (Aadhaar). */
export function verhoeff(d: string): boolean {
  let c = 0;
  const rev = d.split('').reverse();
  for (let i = 0; i < rev.length; i++) c = VD[c]![VP[i % 8]![+rev[i]!]!]!;
  return c === 0;
}

export function validNhs(d: string): boolean {
  if (!/^\d{10}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += +d[i]! * (10 - i);
  const check = 11 - (sum % 11);
  return (check === 11 ? 0 : check) === +d[9]! && check !== 10;
}

// ---- scanners -------------------------------------------------------------

/** ASCII classes: 1 = e-mail local part character, 2 = domain character. */
const MAIL = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9._%+\-!#$&'*/=?^`{|}~]/.test(ch)) MAIL[c]! |= 1;
  if (/[A-Za-z0-9.-]/.test(ch)) MAIL[c]! |= 2;
}
const mailClass = (text: string, i: number): number => {
  const c = text.charCodeAt(i);
  return c < 128 ? MAIL[c]! : 0;
};

function emails(text: string, out: Finding[]): void {
  let at = text.indexOf('@');
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64 && (mailClass(text, s - 1) & 1) !== 0) s--;
    let e = at + 1;
    while (e < text.length && e - at <= 253 && (mailClass(text, e) & 2) !== 0) e++;
    while (e > at + 1 && (text[e - 1] === '.' || text[e - 1] === '-')) e--;
    while (s < at && text[s] === '.') s++;
    const domain = text.slice(at + 1, e);
    if (s < at && /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$/.test(domain) && !text.slice(s, at).includes('..')) {
      out.push(pii('email', s, e, 0.95, 'e-mail address'));
    }
    at = text.indexOf('@', Math.max(e, at + 1));
  }
}

const NUMERIC = /(?:\+|\b)\(?\d+(?:(?:[ .-]|\) ?|[ -]\(|\)-)\d+)*/g;
const PHONE_CUE = /(?:phone|tel|mobile|cell|fax|call|whatsapp|contact|number|desk|landline|sms|no\.|#)[^\n]{0,24}(?:\n[ \t]*)?$/i;
const SSN_CUE = /(?:ssn|social security|soc\.? sec)[^\n]{0,24}$/i;
const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** NUMERIC matches in text[from, to) (a digit chain with a little context before it), each judged by numeric(). */
function numbers(text: string, from: number, to: number, out: Finding[], kinds: ReadonlySet<PiiKind>): void {
  // On a slice: a global regex on the whole text would search past the chain.
  // Context before the chain is part of the slice, so \b is judged as on the whole text.
  const sub = text.slice(from, to);
  NUMERIC.lastIndex = 0;
  for (let m = NUMERIC.exec(sub); m; m = NUMERIC.exec(sub)) numeric(text, m[0], from + m.index, out, kinds);
}

/** One NUMERIC match `raw` at `start`: a card, SSN, national id or phone number, or nothing. */
function numeric(text: string, raw: string, start: number, out: Finding[], kinds: ReadonlySet<PiiKind>): void {
  if (raw.length > 19) {
    // Over 19 digits is no card (at most 19), id (at most 12) or phone number
    // (at most 15): stop before the regex work below, which a long run of
    // spaced digits would make cost a pass per regex.
    let d = 0;
    for (let i = 0; i < raw.length && d <= 19; i++) if (isDigit(raw.charCodeAt(i))) d++;
    if (d > 19) return;
  }
  if (raw.startsWith('(') && !/^\(\d{1,5}\)/.test(raw)) {
    raw = raw.slice(1);
    start++;
  }
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7) return;
  let end = start + raw.length;
  // a phone extension (x123, ext. 123) belongs to the number
  const ext = /^ ?(?:x|ext\.? ?)\d{1,6}\b/i.exec(text.slice(end, end + 12));
  const extended = ext ? end + ext[0].length : end;
  // a number glued to letters (order ids, hashes) is not PII
  const before = start > 0 ? text[start - 1]! : ' ';
  const after = end < text.length ? text[end]! : ' ';
  if (/[A-Za-z0-9_]/.test(before) || (/[A-Za-z_]/.test(after) && !ext)) return;
  if (after === ':' && /^\d{1,2}:\d{2}/.test(text.slice(end - 2, end + 3).replace(/^\D/, ''))) return; // runs into a time of day
  if (/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b/.test(raw)) return; // a date (maybe followed by an hour)
  const groups = raw.split(/[^\d]+/).filter(Boolean).map((g) => g.length);
  const seps = raw.replace(/[\d+]/g, '');
  const ctx = text.slice(Math.max(0, start - 40), start);

  if (kinds.has('ip') && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw)) return; // IPv4, reported by ips()
  if (kinds.has('card') && digits.length >= 12 && digits.length <= 19 && !raw.startsWith('+') && luhn(digits) && /^[1-6]/.test(digits) && !/^(\d)\1+$/.test(digits)
    && (groups.length === 1 || groups.every((g, i) => g === 4 || i === groups.length - 1 || (digits.length === 15 && (g === 6 || g === 5))))) {
    out.push(pii('card', start, end, 0.95, 'payment card number (Luhn valid)'));
    return;
  }
  if (kinds.has('ssn') && digits.length === 9 && (/^\d{3}([- ])\d{2}\1\d{4}$/.test(raw) || (groups.length === 1 && SSN_CUE.test(ctx))) && validSsn(digits)) {
    out.push(pii('ssn', start, end, 0.9, 'US social security number'));
    return;
  }
  if (kinds.has('national_id')) {
    if (/^\d{3}\.\d{3}\.\d{3}-\d{2}$/.test(raw) && validCpf(digits)) {
      out.push(pii('national_id', start, end, 0.9, 'Brazilian CPF number'));
      return;
    }
    const idCtx = ctx.toLowerCase();
    if (digits.length === 9 && groups.length === 1 && /\bbsn\b|burgerservicenummer/.test(idCtx) && validBsn(digits)) {
      out.push(pii('national_id', start, end, 0.85, 'Dutch BSN'));
      return;
    }
    if (digits.length === 12 && /aadhaar|aadhar|\buid\b/.test(idCtx) && verhoeff(digits)) {
      out.push(pii('national_id', start, end, 0.85, 'Indian Aadhaar number'));
      return;
    }
    if (digits.length === 10 && /\bnhs\b/.test(idCtx) && validNhs(digits)) {
      out.push(pii('national_id', start, end, 0.85, 'UK NHS number'));
      return;
    }
  }
  if (kinds.has('phone') && isPhone(raw, digits, groups, seps, ctx)) out.push(pii('phone', start, extended, raw.startsWith('+') ? 0.9 : 0.75, 'phone number'));
}

function isPhone(raw: string, digits: string, groups: number[], seps: string, ctx: string): boolean {
  if (digits.length > 15) return false;
  if (DATE_LIKE.test(raw)) return false;
  if (/^\d+(?:\.\d+)+$/.test(raw) && !/^\d{3}\.\d{3}\.\d{4}$/.test(raw) && !/^\d{2}(?:\.\d{2}){3,4}$/.test(raw)) return false; // versions, decimals
  if (raw.startsWith('+')) return digits.length >= 8;
  if (digits.startsWith('00') && digits.length >= 10) return true;
  if (digits.length < 7) return false;
  if (/^\d{3}([- ])\d{2}\1\d{4}$/.test(raw)) return false; // SSN-shaped, not a phone layout
  if (groups.length === 1) return digits.length >= 9 && digits.length <= 12 && PHONE_CUE.test(ctx);
  if (digits.length === 7) return /^\d{3}-\d{4}$/.test(raw) || (/^\d{3} \d{4}$/.test(raw) && PHONE_CUE.test(ctx));
  // two groups only (street numbers, zip+4, ids): need a cue such as "phone:"
  if (groups.length === 2 && !raw.startsWith('(')) return PHONE_CUE.test(ctx);
  // grouped digits: most groups short, as phone numbers are written
  if (groups.some((g) => g > 5) && !(groups.length === 2 && groups[0]! <= 5 && groups[1]! <= 8)) return false;
  if (!/[ .()-]/.test(seps)) return false;
  return digits.length >= 8 || PHONE_CUE.test(ctx);
}

const IBAN = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,32}\b/y;
/** An IBAN starting at `p` (two letters before a digit chain); returns where the next IBAN may start. */
function iban(text: string, p: number, out: Finding[]): number {
  IBAN.lastIndex = p;
  const m = IBAN.exec(text);
  if (!m) return p;
  let s = m[0];
  // Trim trailing words captured after a space-separated IBAN.
  while (s.length > 15 && !validIban(s)) {
    const sp = s.lastIndexOf(' ');
    if (sp < 15) break;
    s = s.slice(0, sp);
  }
  if (validIban(s)) {
    out.push(pii('iban', p, p + s.length, 0.95, 'IBAN (mod 97 valid)'));
    return p + s.length;
  }
  return p + m[0].length;
}

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** IPv4 addresses in text[from, to) (a digit chain with one character of context on each side). */
function ipv4s(text: string, from: number, to: number, out: Finding[]): void {
  const sub = text.slice(from, to);
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(sub); m; m = IPV4.exec(sub)) {
    const at = from + m.index;
    const before = at > 0 ? text[at - 1]! : ' ';
    const after = text[at + m[0].length] ?? ' ';
    if (before === '.' || (after === '.' && /\d/.test(text[at + m[0].length + 1] ?? ''))) continue; // part of a longer dotted number
    if (m[0].split('.').every((o) => +o <= 255 && (o.length === 1 || o[0] !== '0'))) out.push(pii('ip', at, at + m[0].length, 0.85, 'IPv4 address'));
  }
}

const isHexOrColon = (c: number) => (c >= 48 && c <= 58) || ((c | 32) >= 97 && (c | 32) <= 102);
function ipv6s(text: string, out: Finding[]): void {
  // IPv6: only around colons that sit between hex digits, each window matched on its own.
  const IPV6_LOCAL = /(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}/y;
  let lastEnd = -1;
  const n = text.length;
  for (let c = text.indexOf(':'); c >= 0 && c < n; c = text.indexOf(':', c + 1)) {
    if (c <= lastEnd) continue;
    // the next colon must be at most 5 characters on (looked at here, not searched for)
    let next = c + 1;
    while (next < n && next - c <= 5 && text.charCodeAt(next) !== 58) next++;
    if (next >= n || next - c > 5) continue;
    // walk back to the start of the candidate (hex digits and colons)
    let s0 = c;
    while (s0 > 0 && c - s0 < 40 && isHexOrColon(text.charCodeAt(s0 - 1))) s0--;
    IPV6_LOCAL.lastIndex = s0;
    const m = IPV6_LOCAL.exec(text);
    if (!m) continue;
    lastEnd = s0 + m[0].length;
    const before = s0 > 0 ? text[s0 - 1]! : ' ';
    if (/[\w.]/.test(before) || /\w/.test(text[lastEnd] ?? ' ')) continue;
    // without '::' an address has exactly 8 groups: clock times (12:30:00) stop here, before isIPv6's long regex
    const colons = m[0].match(/:/g)?.length ?? 0;
    if (m[0].length >= 6 && colons >= 2 && (colons === 7 || m[0].includes('::')) && /\d/.test(m[0]) && isIPv6(m[0])) out.push(pii('ip', s0, lastEnd, 0.85, 'IPv6 address'));
  }
}

const DNI = /\b[XYZ]?\d{7,8}-?[A-Z]\b/g;
/** Spanish DNI/NIE numbers in text[from, to) (a digit chain with two characters of context before and three after). */
function dnis(text: string, from: number, to: number, out: Finding[]): void {
  const sub = text.slice(from, to);
  DNI.lastIndex = 0;
  for (let m = DNI.exec(sub); m; m = DNI.exec(sub)) if (validDni(m[0])) out.push(pii('national_id', from + m.index, from + m.index + m[0].length, 0.8, 'Spanish DNI/NIE'));
}

// ---- digit chains -----------------------------------------------------------
//
// Every digit-driven detector (NUMERIC numbers, IPv4, DNI/NIE, IBAN) matches
// inside one "chain": digit runs separated by at most two non-digits. Runs in
// different chains are 3+ characters apart, so no match spans two chains, and
// each detector's global search restarted at a chain finds the same matches as
// one search over the whole text. CHAIN finds the chains that can hold a match
// (7 digits from the start of a digit run, a dotted quad, or two digits after
// two letters); V8 skips to the
// next digit natively, where running each detector over the whole text costs
// a regex attempt per word boundary. Prose with dates and amounts has about one
// such chain per 800 characters; each is then walked once and only the
// detectors its shape allows are run on it.
const CHAIN = /\d(?:(?<!\d\d)(?:\D?\D?\d){6}|\.\d{1,3}\.\d|\d(?<=\b[A-Za-z]{2}\d\d))/g;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => ((c | 32) >= 97 && (c | 32) <= 122);
const isWord = (c: number) => isDigit(c) || isAlpha(c) || c === 95;
/** A gap between two digit runs that NUMERIC crosses: one of " ", ".", "-", ")", ") ", " (", "-(", ")-". */
function numericGap(text: string, a: number, len: number): boolean {
  const c = text.charCodeAt(a);
  if (len === 1) return c === 32 || c === 46 || c === 45 || c === 41;
  const d = text.charCodeAt(a + 1);
  return (c === 41 && (d === 32 || d === 45)) || ((c === 32 || c === 45) && d === 40);
}

interface DigitOut {
  iban: Finding[];
  ip: Finding[];
  num: Finding[];
  dni: Finding[];
}

function digitChains(text: string, kinds: ReadonlySet<PiiKind>, o: DigitOut): void {
  const n = text.length;
  let done = 0; // end of the last chain walked
  let ibanFrom = 0; // where the next IBAN may start (the IBAN search resumes after a match)
  CHAIN.lastIndex = 0;
  while (CHAIN.test(text)) {
    // The match ends with a digit of the chain; walk back to the chain's first digit.
    let c0 = CHAIN.lastIndex - 1;
    for (;;) {
      if (c0 - 1 >= done && isDigit(text.charCodeAt(c0 - 1))) c0 -= 1;
      else if (c0 - 2 >= done && isDigit(text.charCodeAt(c0 - 2))) c0 -= 2;
      else if (c0 - 3 >= done && isDigit(text.charCodeAt(c0 - 3))) c0 -= 3;
      else break;
    }
    // Walk forward over the chain, noting what its shape allows.
    let p = c0;
    let sub = 0; // digits of the NUMERIC-connected part so far
    let maxSub = 0;
    let dots = 0; // single '.' gaps (an IPv4 address needs three)
    let run78 = false; // a run of exactly 7 or 8 digits (DNI/NIE)
    let firstRun = -1;
    for (;;) {
      const rs = p;
      while (p < n && isDigit(text.charCodeAt(p))) p++;
      const run = p - rs;
      if (firstRun < 0) firstRun = run;
      if (run === 7 || run === 8) run78 = true;
      sub += run;
      if (sub > maxSub) maxSub = sub;
      let gap = 0;
      if (p + 1 < n && isDigit(text.charCodeAt(p + 1))) gap = 1;
      else if (p + 2 < n && !isDigit(text.charCodeAt(p + 1)) && isDigit(text.charCodeAt(p + 2))) gap = 2;
      if (gap === 0) break;
      if (gap === 1 && text.charCodeAt(p) === 46) dots++;
      if (!numericGap(text, p, gap)) sub = 0;
      p += gap;
    }
    const end = p; // after the chain's last digit
    done = end;
    CHAIN.lastIndex = end;
    // An IBAN starts two letters before the chain, at a word boundary.
    if (kinds.has('iban') && firstRun >= 2 && c0 - 2 >= ibanFrom && isAlpha(text.charCodeAt(c0 - 1)) && isAlpha(text.charCodeAt(c0 - 2)) && (c0 < 3 || !isWord(text.charCodeAt(c0 - 3)))) {
      ibanFrom = iban(text, c0 - 2, o.iban);
    }
    if (dots >= 3 && kinds.has('ip')) ipv4s(text, Math.max(0, c0 - 1), Math.min(n, end + 1), o.ip);
    if (maxSub >= 7) numbers(text, Math.max(0, c0 - 3), end, o.num, kinds);
    if (run78 && kinds.has('national_id')) dnis(text, Math.max(0, c0 - 2), Math.min(n, end + 3), o.dni);
  }
}

function pii(kind: PiiKind, start: number, end: number, score: number, message: string): Finding {
  return { type: 'pii', rule: kind, kind, span: { start, end }, score, message };
}

/** All PII in `text` of the requested kinds, spans in `text`, sorted, without overlaps. */
export function findPii(text: string, kinds: ReadonlySet<PiiKind> = new Set(PII_KINDS)): Finding[] {
  const out: Finding[] = [];
  if (kinds.has('email') && text.includes('@')) emails(text, out);
  const d: DigitOut = { iban: [], ip: [], num: [], dni: [] };
  digitChains(text, kinds, d);
  if (kinds.has('ip') && /\d/.test(text)) ipv6s(text, d.ip); // an IPv6 address holds a digit
  // the order of the detectors before sorting decides which of two equal spans is kept
  for (const f of d.iban) out.push(f);
  for (const f of d.ip) out.push(f);
  for (const f of d.num) out.push(f);
  for (const f of d.dni) out.push(f);
  out.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  const res: Finding[] = [];
  for (const f of out) {
    const prev = res[res.length - 1];
    if (prev && f.span.start < prev.span.end) continue;
    res.push(f);
  }
  return res;
}
