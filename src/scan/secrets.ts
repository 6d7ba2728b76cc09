// Secret detection. One case-insensitive pass over the text for every rule's
// keywords (KeywordScanner: linear, one bit test per character), then each rule whose
// keyword occurred runs its re2js (linear-time) regex only on a window around
// the occurrences. Values are checked for entropy and placeholders, so
// `password = "${DB_PASSWORD}"` or AKIA...EXAMPLE are not reported.
// Findings never carry the secret value.

import { RE2JS } from 're2js';
import { SECRET_RULES, type SecretRuleDef } from './secret-rules.ts';
import type { Finding } from './types.ts';
import { Int32List } from './int32-list.ts';
import { trieRegex } from './trie.ts';
import { hasTokenRun, minTokenRun } from './token-run.ts';

export { trieRegex };

export interface CompiledSecretRule {
  def: SecretRuleDef;
  re: RE2JS;
  /** Characters before/after a keyword hit that the regex may see. */
  before: number;
  after: number;
  /** Non-blank characters in a row that every value holds (minTokenRun): a window without such a run is skipped. */
  run: number;
}

export interface SecretEngine {
  rules: CompiledSecretRule[];
  /** The generic assignment rule (checked per assigned name, see findAssignments), or -1. */
  generic: number;
  /** Anchored DFA gates for the generic rule: any value (4+ characters), and 16+ characters (what a plain secret-kind name needs). */
  genericGate?: { any: RE2JS; long: RE2JS };
  /** Finds every keyword occurrence (case-insensitive) in one pass. */
  keywords: KeywordScanner;
  byKeyword: Map<string, number[]>;
  /** Rules without keywords: run on the whole text. */
  always: number[];
}

/**
 * Case-insensitive multi-keyword search in one flat pass. ASCII keywords of
 * three or more characters are found through a bitmap of their first three
 * (lowercased) characters: a rolling 21-bit code per position, one bit test,
 * and a character comparison only where some keyword starts with those three
 * characters. V8's regex engine tries a large alternation at every position
 * (about four times slower here on prose). Shorter or non-ASCII keywords go
 * through one small literal-alternation regex.
 */
/** ASCII lowercased; every other UTF-16 unit folds to 0, which no bitmap keyword holds. A table: no branches in the loop. */
const FOLD = new Uint8Array(65536);
for (let c = 1; c < 0x80; c++) FOLD[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c;

export class KeywordScanner {
  private readonly bits = new Int32Array(1 << 16);
  /** Open-addressed table: trigram code -> bucket (keys -1 = empty); 4 Int32 per bucket of allowed fourth characters. */
  private readonly slotKey: Int32Array;
  private readonly slotBucket: Int32Array;
  private readonly next: Int32Array;
  /** Per bucket: its keywords, longest first; whether one is only three characters long. */
  private readonly words: string[][] = [];
  private readonly short: boolean[] = [];
  private readonly rest: RegExp | undefined;

  constructor(keywords: string[]) {
    const rest: string[] = [];
    const byTri = new Map<number, string[]>();
    for (const k of new Set(keywords.map((x) => x.toLowerCase()))) {
      if (k.length < 3 || !/^[\x20-\x7e]+$/.test(k)) {
        if (k.length > 0) rest.push(k);
        continue;
      }
      const t = (k.charCodeAt(0) << 14) | (k.charCodeAt(1) << 7) | k.charCodeAt(2);
      this.bits[t >>> 5]! |= 1 << (t & 31);
      const list = byTri.get(t) ?? [];
      list.push(k);
      byTri.set(t, list);
    }
    let size = 16;
    while (size < byTri.size * 4) size *= 2;
    this.slotKey = new Int32Array(size).fill(-1);
    this.slotBucket = new Int32Array(size);
    this.next = new Int32Array(byTri.size * 4);
    for (const [t, list] of byTri) {
      const b = this.words.length;
      list.sort((x, y) => y.length - x.length);
      this.words.push(list);
      this.short.push(list.some((k) => k.length === 3));
      for (const k of list) if (k.length > 3) this.next[b * 4 + (k.charCodeAt(3) >>> 5)]! |= 1 << (k.charCodeAt(3) & 31);
      let slot = Math.imul(t, 0x9e3779b1) & (size - 1);
      while (this.slotKey[slot] !== -1) slot = (slot + 1) & (size - 1);
      this.slotKey[slot] = t;
      this.slotBucket[slot] = b;
    }
    this.rest = rest.length ? new RegExp(trieRegex(rest), 'gi') : undefined;
  }

  /** A sink for another walk to report this scanner's trigram ends into (the WebAssembly word walk). */
  probe(): TrigramProbe {
    return new TrigramProbe(this.bits, FOLD);
  }

  /**
   * Calls `hit(start, keyword)` for every keyword (lowercase) at every
   * position. With `ends` (a filled TrigramProbe's positions: every index
   * where a bitmap trigram ends, in text order) the bitmap pass is skipped.
   */
  scan(text: string, hit: (start: number, keyword: string) => void, ends?: Int32Array): void {
    if (ends) {
      for (let x = 0; x < ends.length; x++) {
        const i = ends[x]!;
        if (i >= 2) this.at(text, i, (FOLD[text.charCodeAt(i - 2)]! << 14) | (FOLD[text.charCodeAt(i - 1)]! << 7) | FOLD[text.charCodeAt(i)]!, hit);
      }
    } else {
      const n = text.length;
      const bits = this.bits;
      let t = 0;
      for (let i = 0; i < n; i++) {
        t = ((t << 7) | FOLD[text.charCodeAt(i)]!) & 0x1fffff;
        if ((bits[t >>> 5]! & (1 << (t & 31))) !== 0 && i >= 2) this.at(text, i, t, hit);
      }
    }
    const re = this.rest;
    if (re) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        hit(m.index, m[0].toLowerCase());
        re.lastIndex = m.index + 1; // also keywords that start inside this one
      }
    }
  }

  /** The keywords whose first three characters (code t, in the bitmap) end at i >= 2. */
  private at(text: string, i: number, t: number, hit: (start: number, keyword: string) => void): void {
    const n = text.length;
    const { slotKey, slotBucket, next } = this;
    const mask = slotKey.length - 1;
    let slot = Math.imul(t, 0x9e3779b1) & mask;
    while (slotKey[slot] !== t) slot = (slot + 1) & mask; // present: the bitmap said so
    const b = slotBucket[slot]!;
    const c4 = i + 1 < n ? FOLD[text.charCodeAt(i + 1)]! : 0;
    if (!this.short[b] && (next[b * 4 + (c4 >>> 5)]! & (1 << (c4 & 31))) === 0) return; // most prose trigrams stop here
    const s = i - 2;
    for (const k of this.words[b]!) {
      if (s + k.length > n) continue;
      let j = 3;
      for (; j < k.length; j++) if (FOLD[text.charCodeAt(s + j)] !== k.charCodeAt(j)) break;
      if (j === k.length) hit(s, k);
    }
  }
}

/**
 * Trigram ends reported by another pass over the text (the WebAssembly word
 * walk, which reads every character anyway); `filled` once they cover it all.
 */
export class TrigramProbe {
  private readonly list = new Int32List(4096);
  filled = false;
  constructor(
    readonly bits: Int32Array,
    readonly fold: Uint8Array,
  ) {}

  add(positions: Int32Array): void {
    this.list.addAll(positions);
  }

  positions(): Int32Array {
    return this.list.view();
  }
}

/** Compiles rule definitions; throws with the rule id on a regex RE2 cannot compile. */
export function compileSecretRules(defs: SecretRuleDef[]): SecretEngine {
  const rules: CompiledSecretRule[] = [];
  const byKeyword = new Map<string, number[]>();
  const always: number[] = [];
  defs.forEach((def) => {
    let re: RE2JS;
    try {
      re = RE2JS.compile(def.regex);
    } catch (e) {
      throw new Error(`secret rule '${def.id}': invalid RE2 regex: ${(e as Error).message}`);
    }
    // Keywords sit at the start of the token or in the key name just before the value,
    // so a short reach around each hit is enough; armored keys span many lines.
    const long = /private-key|putty/.test(def.id);
    const i = rules.push({ def, re, before: 80, after: long ? 16384 : 360, run: minTokenRun(def.regex, def.group ?? 0) }) - 1;
    if (def.keywords.length === 0) always.push(i);
    for (const k of def.keywords) {
      const key = k.toLowerCase();
      const list = byKeyword.get(key) ?? [];
      list.push(i);
      byKeyword.set(key, list);
    }
  });
  // The alternation reports the longest keyword at a position; shorter keywords that are its prefixes match there too.
  for (const [k, list] of [...byKeyword.entries()]) {
    for (const [k2, list2] of byKeyword) if (k2 !== k && k.startsWith(k2)) for (const i of list2) if (!list.includes(i)) list.push(i);
  }
  const generic = rules.findIndex((r) => r.def.id === GENERIC_ID);
  let genericGate: SecretEngine['genericGate'];
  if (generic >= 0) {
    // Counted repeats cost one NFA state per count: a value of {4,200} is 200 states live at once
    // while the NFA extracts it. The generic rule runs on windows that end 200-odd characters after
    // the operator, so {4,} finds the same values; the 200-character bound is applied to the value
    // found (GENERIC_MAX_VALUE).
    const src = rules[generic]!.def.regex.replace(/\{4,200\}/g, '{4,}');
    rules[generic]!.re = RE2JS.compile(src);
    genericGate = { any: RE2JS.compile(`^(?:${src})`), long: RE2JS.compile(`^(?:${src.replace(/\{4,\}/g, '{16,}')})`) };
  }
  return { rules, keywords: new KeywordScanner([...byKeyword.keys()]), byKeyword, always, generic, genericGate };
}

const GENERIC_ID = 'generic-secret-assignment';
/** The generic rule's longest value: a longer quoted value is not a candidate, a longer bare one is cut (as `{4,200}` in its regex). */
const GENERIC_MAX_VALUE = 200;

let builtin: SecretEngine | undefined;
export function builtinSecrets(): SecretEngine {
  return (builtin ??= compileSecretRules(SECRET_RULES));
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const PLACEHOLDER = /^(?:x+|\*+|\.+|#+|-+|_+|0+|1234\w*|pass(?:word)?\d*|changeme|change_me|secret|null|nil|none|undefined|true|false|redacted|hidden|example\w*|sample\w*|test\w*|dummy\w*|placeholder\w*|your[_-]?\w*|my[_-]?\w*|some[_-]?\w*|enter[_-]?\w*|insert[_-]?\w*|replace[_-]?\w*|fake\w*|mock\w*|todo|fixme|tbd|string|value|env|default|foo\w*|bar|baz|abc\w*|qwerty\w*|letmein)$/i;

/**
 * Filler rather than a generated value: six identical characters in a row
 * (`sequences` also: six in sequence, abcdef, 654321, interleaved a1b2c3...).
 * A random token of 100 characters holds such a run with probability below
 * 1e-4 (hex) and far less for larger alphabets. Longer values (PEM bodies,
 * encoded blobs with AAAAAA runs) are not judged. Vendor-format tokens are
 * checked for repeats only: a documented prefix is evidence enough, and
 * human-chosen passwords for neither (abc123456 is a real, weak password).
 */
export function isFiller(v: string, sequences: boolean | 'interleaved' = true): boolean {
  if (v.length > 100) return false;
  for (let stride = 1; stride <= 2; stride++) {
    let run = 0;
    let prev = NaN;
    for (let i = stride; i < v.length; i++) {
      const d = v.charCodeAt(i) - v.charCodeAt(i - stride);
      const small = sequences === true ? d >= -1 && d <= 1 : stride === 1 ? d === 0 : sequences === 'interleaved' && (d === 1 || d === -1);
      run = small && d === prev ? run + 1 : small ? 1 : 0;
      prev = d;
      if (run >= 5 + stride - 1) return true;
    }
  }
  return false;
}

/** True when the value is a placeholder, a variable reference or an identifier rather than a literal secret. */
export function isPlaceholder(v: string): boolean {
  if (/^[$%@{<[(]|\$\{|\{\{|^process\.|^os\.|^env\.|^ENV\[|^getenv|^System\./.test(v)) return true;
  if (/example|xxxxx|\*\*\*\*|<[a-z_ -]+>|your[_-]?(?:api|secret|token|key|pass)/i.test(v)) return true;
  const core = v.replace(/^["'`]+|["'`,;]+$/g, '');
  if (PLACEHOLDER.test(core) || isFiller(core)) return true;
  // identifiers and dotted references: user_password, config.db.password, getPassword, SOME_CONSTANT
  if (/^[a-z]+(?:[_.-][a-z]+)+$/i.test(core) && !/\d/.test(core)) return true;
  if (/^[a-z]+(?:[A-Z][a-z]+)+$/.test(core)) return true;
  if (/^[A-Z]+(?:_[A-Z]+)+$/.test(core)) return true;
  return false;
}

function windowStart(text: string, p: number): number {
  if (p <= 0) return 0;
  // back up to a whitespace boundary (bounded) so \b and anchors see whole tokens
  const limit = Math.max(0, p - 256);
  for (let i = p; i > limit; i--) {
    const c = text.charCodeAt(i - 1);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) return i;
  }
  return limit;
}

export interface SecretOptions {
  /** Rule ids to skip. */
  disabled?: ReadonlySet<string>;
  /** This engine's trigram ends over all of `text`, from a filled TrigramProbe (KeywordScanner.scan). */
  trigramEnds?: Int32Array;
  /** At most this many assignment values extracted by the generic rule's regex (default ASSIGNMENT_CHECKS); past it, SecretScanLimit is thrown. */
  maxAssignmentChecks?: number;
}

/**
 * Values the generic rule extracts per text, at most. An extraction is a
 * re2js run with captures over up to 200 characters of value, 20-40 us; text
 * made of nothing but secret-named assignments whose values are rejected
 * (`token=` repeated, each value running into the next name) would otherwise
 * cost seconds per MB. Repeated identical windows are remembered and do not
 * count. About one second of work.
 */
export const ASSIGNMENT_CHECKS = 25_000;

/** The generic rule gave up on a text with more candidate assignments than allowed: the scan is incomplete, and says so. `partial`: what was found before. */
export class SecretScanLimit extends Error {
  partial: Finding[] = [];
  constructor(readonly checks: number, readonly at: number) {
    super(`secrets: more than ${checks} candidate assignments to check (at offset ${at}); the rest of the text was not checked for assigned secrets`);
  }
}

/** Scans `text` with the engine; findings have spans in `text`. */
export function findSecrets(text: string, engine: SecretEngine = builtinSecrets(), opts: SecretOptions = {}): Finding[] {
  // Keyword windows per rule as flat [start, end, start, end, ...] lists; the scanner reports
  // hits mostly in text order, so a hit inside the last window only extends it. Keywords inside
  // assigned names go to the generic rule's own check (findAssignments).
  const generic = opts.disabled?.has(GENERIC_ID) ? -1 : engine.generic;
  const spans: number[][] = engine.rules.map(() => []);
  const names: number[] = [];
  const { rules, byKeyword } = engine;
  engine.keywords.scan(text, (at, k) => {
    const rs = byKeyword.get(k);
    if (!rs) return;
    for (const ri of rs) {
      if (ri === engine.generic) {
        if (generic >= 0 && names[names.length - 1] !== at) names.push(at);
        continue;
      }
      const r = rules[ri]!;
      const list = spans[ri]!;
      const end = Math.min(text.length, at + k.length + r.after);
      const m = list.length;
      if (m > 0 && list[m - 2]! <= at - r.before && at - r.before <= list[m - 1]!) list[m - 1] = Math.max(list[m - 1]!, end);
      else list.push(windowStart(text, at - r.before), end);
    }
  }, opts.trigramEnds);
  for (const ri of engine.always) if (ri !== engine.generic) spans[ri]!.push(0, text.length);
  const windows = new Map<number, Array<[number, number]>>();
  spans.forEach((list, ri) => {
    if (list.length === 0) return;
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!]);
    pairs.sort((x, y) => x[0] - y[0]);
    const merged: Array<[number, number]> = [pairs[0]!];
    for (const [s, e] of pairs) {
      const last = merged[merged.length - 1]!;
      if (s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    windows.set(ri, merged);
  });
  names.sort((x, y) => x - y);

  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const [ri, list] of windows) {
    const r = engine.rules[ri]!;
    if (opts.disabled?.has(r.def.id)) continue;
    for (const [ws, we] of list) {
      if (r.run > 1 && !hasTokenRun(text, ws, we, r.run)) continue; // prose near "pat" or "ado" holds no 52-character token
      const sub = ws === 0 && we === text.length ? text : text.slice(ws, we);
      if (!r.re.test(sub)) continue; // the boolean test (re2js DFA) is much cheaper than finding spans
      matchWindow(text, ri, r, ws, sub, sub.length, out, seen);
    }
  }
  if (generic >= 0 && names.length) {
    try {
      findAssignments(text, engine, names, out, seen, opts.maxAssignmentChecks ?? ASSIGNMENT_CHECKS);
    } catch (e) {
      if (e instanceof SecretScanLimit) e.partial = dedupe(out);
      throw e;
    }
  }
  // A specific rule and the generic one may report the same value: keep the specific one.
  return dedupe(out);
}

/**
 * Runs a rule's regex over `sub` (= text from `ws`) and reports accepted values. Matches start
 * before `limit`; returns where a next search may start (after the last accepted match, or `limit`).
 */
function matchWindow(text: string, ri: number, r: CompiledSecretRule, ws: number, sub: string, limit: number, out: Finding[], seen: Set<string>): number {
  const g0 = r.def.group ?? 0;
  const matcher = r.re.matcher(sub);
  let from = 0;
  let next = limit;
  while (from < limit && matcher.find(from)) {
    const ms = matcher.start();
    const me = matcher.end();
    if (ms >= limit) break;
    from = me > ms ? me : ms + 1;
    // a value written in several forms (quoted, bare) is captured by alternative groups: the first that took part is the value
    let g = g0;
    while (g > 0 && g < matcher.groupCount() && matcher.start(g) < 0) g++;
    const vs = matcher.start(g);
    let ve = matcher.end(g);
    if (vs < 0 || ve <= vs) continue;
    let end = me;
    if (r.def.id === GENERIC_ID && ve - vs > GENERIC_MAX_VALUE) {
      if (g < 6) {
        from = vs;
        continue;
      }
      ve = end = from = vs + GENERIC_MAX_VALUE;
    }
    const value = sub.slice(vs, ve);
    // a rejected candidate must not hide one that starts inside it ("Authorization Token: x" first matches "Authorization" with the value "Token:")
    if (
      (r.def.entropy !== undefined && !passesEntropy(r.def, value)) ||
      (r.def.minClasses !== undefined && classesOf(value) < r.def.minClasses) ||
      (r.def.placeholderCheck === 'light' ? isTemplate(value) : r.def.placeholderCheck ? isPlaceholder(value) : /example|xxxxx|\*{4}/i.test(value) || isFiller(value, 'interleaved')) ||
      // generic rule: group 1 the name, 2 the operator (absent: `name 'value'`), 3-5 a quoted value, 6 a bare one
      (r.def.id === GENERIC_ID && !genericValueOk(matcher.group(1) ?? '', value, g < 6, matcher.start(2) >= 0)) ||
      (r.def.nameGroup !== undefined && (value.length > GENERIC_MAX_VALUE || !genericValueOk(matcher.group(r.def.nameGroup) ?? '', value, true, true)))
    ) {
      if (vs > ms) from = vs;
      continue;
    }
    next = Math.max(next, end);
    const span = { start: ws + vs, end: ws + ve };
    const key = `${ri}:${span.start}:${span.end}`; // same span from several rules: dedupe keeps the higher score
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      type: 'secret',
      rule: r.def.id,
      kind: kindOf(r.def.id),
      span,
      score: r.def.score ?? 0.9,
      message: `${r.def.description} (${ve - vs} chars)`,
    });
  }
  return next;
}

/** Characters of an assigned name, as the generic rule's name part: letters, digits, `_ . - >`. */
const isNameChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d || c === 0x3e;
const isBlank = (c: number) => c === 0x20 || c === 0x09;
const isQuote = (c: number) => c === 0x22 || c === 0x27 || c === 0x60;
/** Longest name the generic rule looks back over from a keyword (its last word decides; see nameKind). */
const NAME_REACH = 256;

/**
 * The generic assignment rule, checked once per assigned name that holds one of its keywords,
 * on a bounded window: the name, the operator, and at most 200 characters of value. Dense or
 * crafted input (`apiKey: "` repeated) costs a bounded amount per name, never one regex pass
 * over a merged window of the whole text. Cheap gates come first: the name must hold a secret
 * (nameKind), an operator or a quote must follow it, and the re2js DFA must see a value long
 * enough for what the name needs; only then does the NFA extract the value.
 */
function findAssignments(text: string, engine: SecretEngine, names: number[], out: Finding[], seen: Set<string>, maxChecks: number): void {
  const ri = engine.generic;
  const r = engine.rules[ri]!;
  const gate = engine.genericGate!;
  const n = text.length;
  // windows whose extraction found nothing: the outcome depends on the window alone
  const rejected = new Set<string>();
  let checks = 0;
  let doneTo = 0; // names starting before this were checked (or lie inside an accepted value)
  for (const at of names) {
    if (at < doneTo) continue;
    let s = at;
    const low = Math.max(doneTo, at - NAME_REACH);
    while (s > low && isNameChar(text.charCodeAt(s - 1))) s--;
    let e = at;
    while (e < n && isNameChar(text.charCodeAt(e))) e++;
    if (e - at > NAME_REACH) {
      // an endless name: its last word (which decides) holds its own keyword, checked from there
      doneTo = Math.max(doneTo, at + 1);
      continue;
    }
    doneTo = Math.max(doneTo, e);
    const name = text.slice(s, e);
    // '>' (from `->`) may end the regex's name early; the gate then leaves the decision to the regex
    const kind = name.includes('>', at - s) ? 'secret' : nameKindCached(name);
    if (!kind) continue;
    // an operator or a quote must follow: `name = x`, `"name": x`, `name 'x'` (a bare word after a space is prose)
    let p = e;
    if (text.charCodeAt(p) === 0x5c && text.charCodeAt(p + 1) === 0x22) p += 2;
    else if (isQuote(text.charCodeAt(p))) p++;
    let q = p;
    while (q < n && isBlank(text.charCodeAt(q))) q++;
    const c = text.charCodeAt(q);
    const op = c === 0x3d || c === 0x3a || c === 0x2c || c === 0x21 || c === 0x3c || c === 0x2d || c === 0x7c || c === 0x3f;
    let quoteAfterSpace = false;
    for (let k = p; k < p + 4 && k < n && !op; k++) {
      const ck = text.charCodeAt(k);
      if (isQuote(ck) || ck === 0x5c) quoteAfterSpace = k > p;
      if (!(ck === 0x20 || ck === 0x09 || ck === 0x0a || ck === 0x0d || ck === 0x0c || ck === 0x0b)) break;
    }
    if (!op && !quoteAfterSpace) continue;
    // window end: operator, blanks and one line break, then the value and its closing quote
    q = Math.min(n, q + 3);
    while (q < n && (isBlank(text.charCodeAt(q)) || text.charCodeAt(q) === 0x0a || text.charCodeAt(q) === 0x0d)) q++;
    const we = Math.min(n, q + 204);
    const sub = text.slice(s, we);
    const needsLong = kind === 'secret';
    if (!(needsLong ? gate.long : gate.any).test(sub)) continue;
    if (rejected.has(sub)) continue;
    if (++checks > maxChecks) throw new SecretScanLimit(maxChecks, s);
    const found = out.length;
    const next = matchWindow(text, ri, r, s, sub, e - s, out, seen);
    if (out.length === found && next === e - s) {
      if (rejected.size >= 4096) rejected.clear();
      rejected.add(sub);
    }
    doneTo = Math.max(doneTo, s + next);
  }
}

function passesEntropy(def: SecretRuleDef, value: string): boolean {
  return entropy(value) >= def.entropy!;
}

/** Template syntax or masking: `${X}`, `#{x}`, `{{x}}`, `<x>`, `%s`, `$VAR`, `%VAR%`, `***`. */
export function isTemplate(v: string): boolean {
  return /^[$%<{[(]|\$\{|#\{|\{\{|%[sd]|^\*+$|^#+$|^x{3,}$|^\.{3,}$|^(?:env|process\.env|os\.environ|config|settings)\b[.[]/i.test(v) || /^(?:password|passwd|pass|pwd|null|none|undefined)$/i.test(v);
}

// Words of an assigned name. The last meaningful word says what the value is:
// `db_password`, `jwtSecret`, `API_KEY` hold secrets; `secret_name`, `token_url`,
// `api_key_id`, `publicKey`, `AUTH0_DOMAIN` do not.
const PASS_WORDS = /^(?:password|passwd|pwd|pw|pass|passphrase|passcode)$|(?:password|passwd|passphrase)$/;
const SECRET_WORDS = /^(?:secrets?|tokens?|keys?|apikey|credentials?|creds|auth|pat)$|(?:secret|token|apikey|accesskey|secretkey|privatekey|authkey|pwd)$/;
/** Trailing words that qualify the name without changing what it holds (SECRET_KEY_BASE, DB_PASSWORD_PROD, token_b64). */
const NEUTRAL_WORDS = new Set(['value', 'val', 'str', 'string', 'text', 'plain', 'plaintext', 'raw', 'b64', 'base64', 'hex', 'enc', 'encoded', 'base', 'pem', 'data', 'content', 'contents', 'material', 'bytes', 'json', 'prod', 'production', 'dev', 'development', 'staging', 'stage', 'stg', 'test', 'qa', 'uat', 'local', 'live', 'sandbox', 'new', 'old', 'current', 'default', 'override', 'secondary', 'backup', 'fallback', 'confirm', 'confirmation', 'again', 'repeat', 'verify', 'v']);
/** `<word> key` names that are not secrets (React keys, database keys, public keys, object keys). */
const KEY_QUALIFIERS = new Set(['public', 'pub', 'primary', 'foreign', 'sort', 'partition', 'cache', 'routing', 'route', 'cursor', 'idempotency', 'dedupe', 'dedup', 'translation', 'i18n', 'lookup', 'map', 'row', 'object', 'file', 'host', 'item', 'unique', 'composite', 'index', 'column', 'field', 'group', 'shard', 'bucket', 'next', 'prev', 'page', 'query', 'search', 'event', 'message', 'state', 'react', 'hot', 'short', 'shortcut', 'keyboard', 'kms', 'gpg', 'pgp', 'sequence', 'sku', 'lang', 'locale', 'label', 'i18next', 'list', 'dict', 'hash']);

/** `<word> token` names that are pagination cursors, not credentials. */
const PAGE_WORDS = /^(?:next|prev|previous|page|continuation|pagination|paging|resumption|sync|cursor)$/;
const PAGE_TOKEN = /^(?:next|prev|previous|page|continuation|pagination|paging|resumption|sync|cursor)+tokens?$/;

function nameWords(key: string): string[] {
  const last = key.replace(/[-_.>$]+$/, '').split(/[.>$[\]]|->/).pop() ?? '';
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((w) => w.replace(/\d+$/, ''))
    .filter((w) => w.length > 0);
}

/** nameKind memoized: names repeat (in code, and in crafted input). 'short-secret': a secret name whose quoted value may be short (ends in secret or passphrase). */
const kindCache = new Map<string, 'password' | 'secret' | 'short-secret' | undefined>();
function nameKindCached(key: string): 'password' | 'secret' | 'short-secret' | undefined {
  let k = kindCache.get(key);
  if (k === undefined && !kindCache.has(key)) {
    k = nameKind(key);
    if (k === 'secret' && /(?:secret|passphrase)$/.test(nameWords(key).pop() ?? '')) k = 'short-secret';
    if (kindCache.size >= 4096) kindCache.clear();
    kindCache.set(key, k);
  }
  return k;
}

/** What an assigned name holds: a password, another secret, or nothing secret. */
function nameKind(key: string): 'password' | 'secret' | undefined {
  const words = nameWords(key);
  while (words.length > 1 && NEUTRAL_WORDS.has(words[words.length - 1]!)) words.pop();
  const last = words[words.length - 1] ?? '';
  if (PASS_WORDS.test(last)) return 'password';
  if (!SECRET_WORDS.test(last)) return undefined;
  if ((last === 'key' || last === 'keys') && words.length > 1 && KEY_QUALIFIERS.has(words[words.length - 2]!)) return undefined;
  // pagination cursors in API responses: NextToken, nextPageToken, continuationToken, next_token
  if (PAGE_TOKEN.test(last) || (/^tokens?$/.test(last) && words.length > 1 && PAGE_WORDS.test(words[words.length - 2]!))) return undefined;
  return 'secret';
}

/**
 * The generic rule sees many harmless assignments. The name must end in a
 * password or secret word. A quoted literal assigned to a password or secret
 * name is a secret whatever it looks like (unless it is a placeholder);
 * otherwise the value must look generated (mixed character classes, high entropy).
 */
function genericValueOk(key: string, value: string, quoted: boolean, operator: boolean): boolean {
  const kind = nameKind(key);
  if (!kind) return false;
  if (!quoted && !operator) return false; // `password protects ...` is prose, not `password 'x'`
  const v = quoted ? value.replace(/^(["'`])(.*)\1$/, '$2') : value.replace(/["'`,;]+$/, '');
  if (quoted && /^\s*[+.,&|]|[+.,&|]\s*$/.test(v)) return false; // the gap between two string literals: "a: " + x + ","
  if (/&lt;|&gt;|&#\d+;/.test(v)) return false; // HTML-escaped markup: &lt;YOUR_PASSWORD&gt;
  const isPass = kind === 'password';
  if (!quoted && isPlaceholder(v)) return false;
  if (/^#|:$|^\/|^arn:/.test(v)) return false; // selectors, labels, paths, resource names
  if (!quoted && /[()[\]{}]/.test(v)) return false; // expressions and calls, not literals
  if (/^[.+]/.test(v)) return false; // string concatenation: "..." + variable
  if (/^[a-z][a-z0-9_-]*(?:[/.][a-z0-9_-]+)*\/[a-z0-9_-]+(?:[/#.][a-z0-9_-]+)*$/i.test(v) && !/\d/.test(v)) return false; // routes and paths: cms/sites/x#update
  if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$|^(?:[a-z0-9-]+\.)+(?:com|net|org|io|dev|app|cloud|local|internal)$/i.test(v)) return false; // e-mail addresses, host names
  if (isFiller(v, !isPass)) return false;
  if (quoted && v.length >= 4 && !isTemplate(v) && !PLACEHOLDER.test(v) && !/^(?:your|my|some|enter|insert|replace)[_-]?/i.test(v) && !/example|xxxxx|\*{4}|<[a-z_ -]+>/i.test(v)) {
    if (isPass || kind === 'secret' && /(?:secret|passphrase)$/.test(nameWords(key).pop() ?? '')) return !(/^[a-z]+(?:[_.-][a-z]+)+$/i.test(v) && nameWords(v).some((w) => PASS_WORDS.test(w) || SECRET_WORDS.test(w)));
  }
  if (isPass && v.length >= 6 && /\d/.test(v) && /[a-z]/i.test(v) && !isPlaceholder(v)) return true;
  // env-file style (DB_PASSWORD=value): the value is the password, whatever it looks like
  if (isPass && /^[A-Z][A-Z0-9_]*$/.test(key.replace(/^.*[^A-Z0-9_]/, '')) && v.length >= 4 && !isTemplate(v) && !PLACEHOLDER.test(v) && !/^[a-z]+(?:_[a-z]+)+$/.test(v)) return true;
  if (v.length < 8) return false;
  if (isPlaceholder(v)) return false;
  if (!isPass && v.length < 16) return false;
  const classes = classesOf(v);
  if (/^https?:|^\/|^\.\.?\//.test(v)) return false; // URLs and paths
  if (/^\d+(?:\.\d+)*$/.test(v)) return false; // numbers and versions
  if (isPass) return classes >= 2 && entropy(v) >= 2.5;
  return classes >= 2 && entropy(v) >= 3.2;
}

/** Character classes in a value: lowercase, uppercase, digits, others. */
function classesOf(v: string): number {
  return (/[a-z]/.test(v) ? 1 : 0) + (/[A-Z]/.test(v) ? 1 : 0) + (/\d/.test(v) ? 1 : 0) + (/[^A-Za-z0-9]/.test(v) ? 1 : 0);
}

function kindOf(id: string): string {
  if (id === 'private-key' || id === 'putty-private-key' || id === 'age-secret-key' || id === 'wireguard-private-key') return 'private_key';
  if (id === 'jwt') return 'jwt';
  if (id === 'password-hash') return 'password_hash';
  if (id.startsWith('connection-string') || id === 'cli-password-flag' || id === 'mysql-password-flag' || id === 'powershell-plaintext-password') return 'password';
  return 'secret';
}

function dedupe(fs: Finding[]): Finding[] {
  fs.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end || b.score - a.score);
  const out: Finding[] = [];
  for (const f of fs) {
    const prev = out[out.length - 1];
    if (prev && f.span.start < prev.span.end) {
      // overlapping: keep the higher score (the specific rule), widen nothing
      if (f.score > prev.score) out[out.length - 1] = f;
      continue;
    }
    out.push(f);
  }
  return out;
}
