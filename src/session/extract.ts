// Provenance extraction: the identifiers a text carries (IBANs, e-mail
// addresses, URLs, hosts, paths, account ids, long opaque strings) and its
// words, each normalized the same way whether it is recorded from a tool
// response or looked up from an argument, so spelling tricks (case, spacing
// inside an IBAN, a scheme in front of a URL) cannot hide where a value came from.
// Linear-time regexes only (no nested quantifiers), bounded output.

export type ValueKind = 'iban' | 'email' | 'url' | 'host' | 'path' | 'id' | 'long' | 'word';

export interface Extracted {
  kind: ValueKind;
  value: string;
}

const EMAIL = /[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}/gi;
const URL_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^\])]{1,2048}/gi;
const DOMAIN = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}\b(?:\/[^\s<>"'`{}|\\^\])]{0,1024})?/gi;
// Upper case as printed (lower-case letters would let ordinary words continue a match); groups of four, spaced or not.
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;
const PATH = /(?:~|\.{1,2})?\/[\w.@~+-]{1,255}(?:\/[\w.@~+-]{1,255}){0,32}/g;
const DIGITS = /\b\d{6,}\b/g;
const TOKEN = /[A-Za-z0-9+/=_-]{8,}/g;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_'-]{1,63}/gu;

/** Lower case, spaces collapsed, surrounding quotes and punctuation dropped. */
const ASCII = /^[\x20-\x7e]*$/;
const SPACES = /\s{2,}|[\t\n\r\f\v]/;
const EDGE = /^["'`<([{]+|["'`>)\]},.;:!?]+$/g;
const EDGE_CHAR = /["'`<([{>)\]},.;:!?\s]/;
export function normText(s: string): string {
  let t = ASCII.test(s) ? s.toLowerCase() : s.normalize('NFKC').toLowerCase();
  if (SPACES.test(t)) t = t.replace(/\s+/g, ' ');
  if (t.length > 0 && (EDGE_CHAR.test(t[0]!) || EDGE_CHAR.test(t[t.length - 1]!))) t = t.trim().replace(EDGE, '');
  return t;
}

export function normIban(s: string): string {
  return s.replace(/\s+/g, '').toLowerCase();
}

/** A URL without scheme, default port, trailing slash or fragment: http://A.com/x/ and a.com/x are one value. */
export function normUrl(s: string): string {
  let u = normText(s).replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  u = u.replace(/#.*$/, '').replace(/:(80|443)(?=\/|$)/, '').replace(/\/+$/, '');
  return u;
}

export function hostOf(url: string): string {
  const u = normUrl(url);
  const end = u.search(/[/?]/);
  const hostPort = end === -1 ? u : u.slice(0, end);
  const at = hostPort.lastIndexOf('@');
  return (at === -1 ? hostPort : hostPort.slice(at + 1)).replace(/:\d+$/, '');
}

const IBAN_FULL = /^[a-z]{2}\d{2}[a-z0-9]{11,30}$/;
const URLISH = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[a-z0-9-]{1,63}\.){1,8}[a-z]{2,24}(?:[:/?#].*)?$/;
const EMAIL_FULL = /^[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,24}$/;

/**
 * The keys under which one argument value is looked up: its normalized whole
 * (as an IBAN, e-mail or URL when it is one) and, for a URL, its host.
 */
export function keysOfValue(raw: string): { whole: string; host?: string } {
  const t = normText(raw);
  const compact = t.replace(/\s+/g, '');
  if (IBAN_FULL.test(compact) && compact.length <= 34) return { whole: compact };
  if (EMAIL_FULL.test(t)) return { whole: t };
  if (URLISH.test(t) && !t.includes(' ')) {
    const u = normUrl(t);
    const h = hostOf(u);
    return h !== u ? { whole: u, host: h } : { whole: u };
  }
  return { whole: t };
}

/**
 * Identifiers in a text, normalized. `words` adds every word (lower case),
 * which lets short names ("Alice", a channel name) have a provenance too.
 * At most `max` values are returned (first occurrences win).
 */
export function extractValues(text: string, opts: { words?: boolean; max?: number } = {}): Extracted[] {
  const max = opts.max ?? 4096;
  const out: Extracted[] = [];
  const seen = new Set<string>();
  const add = (kind: ValueKind, value: string) => {
    if (value.length < 2 || seen.has(value) || out.length >= max) return;
    seen.add(value);
    out.push({ kind, value });
  };
  for (const m of text.matchAll(EMAIL)) {
    const e = normText(m[0]);
    add('email', e);
    add('host', e.slice(e.indexOf('@') + 1));
  }
  for (const m of text.matchAll(URL_RE)) {
    const u = normUrl(m[0].replace(/[.,;:!?]+$/, ''));
    add('url', u);
    add('host', hostOf(u));
  }
  for (const m of text.matchAll(DOMAIN)) {
    // Skip the domain part of an e-mail address (already recorded as host).
    if (m.index > 0 && text[m.index - 1] === '@') continue;
    const u = normUrl(m[0].replace(/[.,;:!?]+$/, ''));
    add('url', u);
    add('host', hostOf(u));
  }
  for (const m of text.matchAll(IBAN)) {
    const v = normIban(m[0]);
    if (v.length >= 15 && v.length <= 34 && /^[a-z]{2}\d{2}/.test(v)) add('iban', v);
  }
  for (const m of text.matchAll(PATH)) if (m[0].length > 2) add('path', normText(m[0]));
  for (const m of text.matchAll(DIGITS)) add('id', m[0]);
  for (const m of text.matchAll(TOKEN)) {
    const v = m[0].toLowerCase();
    if (v.length >= 20) add('long', v);
    else if (/\d/.test(v) && /[a-z]/i.test(v)) add('id', v);
  }
  if (opts.words) for (const m of text.matchAll(WORD)) add('word', m[0].toLowerCase());
  return out;
}
