// Encoded layers hidden inside a text: base64, hex, URL (percent) encoding and
// ROT13. Each candidate is decoded and kept only when the result looks like
// text, so the scanner can rescan it (attackers encode instructions to slip
// past filters; models decode them happily). The patterns here are single
// character classes with a bounded tail, so they run in linear time.

import { Buffer } from 'node:buffer';
import { wordBitmap, wordHash } from './features.ts';
import { StartChars } from './start-chars.ts';
import { Int32List } from './int32-list.ts';

export type Layer = 'base64' | 'hex' | 'url' | 'rot13' | 'tags';

export interface Decoded {
  layer: Layer;
  /** Span of the encoded text in the scanned (normalized) text. */
  start: number;
  end: number;
  text: string;
}

export interface DecodeOptions {
  /** Stop after producing this many decoded characters in total. */
  maxChars: number;
  /** Stop after this many decoded segments. */
  maxSegments: number;
  /**
   * Word candidates an AnchorProbe with rot13Bitmap() collected over this
   * same text (pairs, see features.ts): only their lines are checked for
   * ROT13, instead of a regex pass over the whole text.
   */
  words?: ArrayLike<number>;
  /** The candidate runs over this same text, from a filled RunProbe (the word walk's): decode's own run passes are skipped. */
  runs?: CandidateRuns;
}

/** Maximal runs long enough to be an encoded segment, as (start, end) pairs in text order. */
export interface CandidateRuns {
  /** Runs of the base64 alphabet (standard and URL-safe), at least MIN_BASE64 long; hex runs are among them. */
  base64: ArrayLike<number>;
  /** Runs of hex digits and spaced-hex separators, at least MIN_SPACED_HEX long. */
  hex: ArrayLike<number>;
}

const MIN_BASE64 = 16;
/** Six hex pairs with their five separators. */
const MIN_SPACED_HEX = 17;

const HEX_ESCAPED = /(?:\\x[0-9a-fA-F]{2}){4,}/g;
const HEX_ONLY = /^[0-9a-fA-F]+$/;
/** ASCII classes: 1 = base64 alphabet (standard and URL-safe), 2 = hex digit or a separator of spaced hex. */
const CLS = new Uint8Array(65536);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) CLS[c]! |= 1;
  if (/[0-9a-fA-F :,]/.test(ch)) CLS[c]! |= 2;
}
const isHex = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
/** Six or more hex pairs separated by one space, colon or comma each. */
const SPACED_HEX = /[0-9a-fA-F]{2}(?:[ :,][0-9a-fA-F]{2}){5,}/g;
const PCT = /%[0-9a-fA-F]{2}/g;
const SPACE = /\s/g;
/** ROT13 of common words ("the", "and", "you", "ignore", "system", ...): two on a line, outnumbering the plain ones, make it a candidate. */
export const ROT13_HINT_WORDS = ['gur', 'naq', 'lbh', 'vf', 'vtaber', 'nyy', 'cerivbhf', 'vafgehpgvbaf', 'flfgrz', 'cebzcg', 'gryy', 'cnffjbeq', 'frperg', 'erirny'];
const ROT13_HINT = new RegExp(`\\b(?:${ROT13_HINT_WORDS.join('|')})\\b`, 'g');
const ROT13_ANY = new RegExp(ROT13_HINT.source, 'i');
const ROT13_PLAIN = /\b(?:the|and|you|is|to|of|in|that|it|for)\b/g;
const ROT13_HASHES: ReadonlySet<number> = new Set(ROT13_HINT_WORDS.map(wordHash));
const ROT13_STARTS = new StartChars(ROT13_HINT_WORDS);

/** Bitmap of the ROT13 hint words for an AnchorProbe: the scanner's word walk then finds the lines worth a look (see decodeLayers). */
export function rot13Bitmap(): Uint32Array {
  return wordBitmap(ROT13_HASHES);
}

/** Share of printable characters, and whether the text has enough letters to carry words. */
export function looksLikeText(s: string): boolean {
  if (s.length < 6) return false;
  let printable = 0;
  let letters = 0;
  let digits = 0;
  let spaces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || (c >= 0xa0 && c !== 0xfffd)) printable++;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    else if (c >= 0x30 && c <= 0x39) digits++;
    if (c === 0x20) spaces++;
  }
  return printable / s.length >= 0.95 && letters / s.length >= 0.25 && (letters + digits + spaces) / s.length >= 0.7 && (spaces > 0 || s.length < 40);
}

export function rot13(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(((c - 0x41 + 13) % 26) + 0x41);
    else if (c >= 0x61 && c <= 0x7a) out += String.fromCharCode(((c - 0x61 + 13) % 26) + 0x61);
    else out += s[i];
  }
  return out;
}

function decodeUrl(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return Buffer.from(s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
}

/** End of the run found by the last runs() call. */
let runEnd = 0;

/**
 * Start of the first maximal run of at least `min` characters of class `bit`
 * (see CLS) at or after `from`, or -1; its end is left in `runEnd`. Looks at a
 * window of `min` characters from its right end leftwards: a character outside
 * the class at j means no run of `min` starts at or before j, so the window
 * jumps past it, and characters already seen inside the class are not read
 * again. On prose a window meets a space within a few characters and moves on
 * by about `min - 3`, so about a quarter of the characters are read.
 */
function runs(text: string, bit: number, min: number, from: number): number {
  const n = text.length;
  let i = from; // window start: text[i - 1] is outside the class (or i = from)
  let ok = i - 1; // text[i..ok] are known to be in the class
  while (i + min <= n) {
    let j = i + min - 1;
    while (j > ok && (CLS[text.charCodeAt(j)]! & bit) !== 0) j--;
    if (j > ok) {
      // text[j] is outside the class; text[j + 1 .. i + min - 1] are inside
      ok = i + min - 1;
      i = j + 1;
      continue;
    }
    let e = i + min;
    while (e < n && (CLS[text.charCodeAt(e)]! & bit) !== 0) e++;
    runEnd = e;
    return i;
  }
  return -1;
}

/** The candidate runs by decode's own passes (runs() above). */
export function candidateRuns(text: string): CandidateRuns {
  const pass = (bit: number, min: number) => {
    const out: number[] = [];
    for (let r = runs(text, bit, min, 0); r >= 0; r = runs(text, bit, min, runEnd + 1)) out.push(r, runEnd);
    return out;
  };
  return { base64: pass(1, MIN_BASE64), hex: pass(2, MIN_SPACED_HEX) };
}

/**
 * A sink for the WebAssembly word walk to report the candidate runs into
 * while the text is in its memory anyway (features.ts AnchorProbe,
 * wasm/word-walk.ts): decodeLayers then takes them as `runs`.
 */
export class RunProbe {
  readonly classes = CLS;
  readonly min = [MIN_BASE64, MIN_SPACED_HEX] as const;
  private readonly lists = [new Int32List(), new Int32List()];
  filled = false;

  add(bit: 1 | 2, pairs: Int32Array): void {
    this.lists[bit - 1]!.addAll(pairs);
  }

  runs(): CandidateRuns {
    return { base64: this.lists[0]!.view(), hex: this.lists[1]!.view() };
  }
}

/** Finds and decodes encoded segments of `text`. Bounded by `opts`. */
export function decodeLayers(text: string, opts: DecodeOptions): Decoded[] {
  const out: Decoded[] = [];
  let budget = opts.maxChars;
  const push = (d: Decoded): boolean => {
    if (out.length >= opts.maxSegments || budget <= 0) return false;
    if (d.text.length > budget) d.text = d.text.slice(0, budget);
    budget -= d.text.length;
    out.push(d);
    return true;
  };
  // Candidates: runs of 16+ characters of the base64 alphabet (hex runs are a
  // subset), and six or more space/colon/comma-separated hex pairs (17+
  // characters): from the word walk's RunProbe, or found by runs() here.
  const cands: Array<{ layer: Layer; start: number; end: number; kind: 'run' | 'spaced' }> = [];
  const n = text.length;
  const found = opts.runs ?? candidateRuns(text);
  for (let k = 0; k + 1 < found.base64.length; k += 2) {
    const st = found.base64[k]!;
    const en = found.base64[k + 1]!;
    const run = text.slice(st, en);
    const allHex = HEX_ONLY.test(run);
    let e = en;
    while (e < n && e - en < 2 && text.charCodeAt(e) === 0x3d) e++; // '=' padding
    cands.push({ layer: allHex && run.length % 2 === 0 ? 'hex' : 'base64', start: st, end: allHex ? en : e, kind: 'run' });
  }
  for (let k = 0; k + 1 < found.hex.length; k += 2) {
    const st = found.hex[k]!;
    const run = text.slice(st, found.hex[k + 1]!); // the regex must not search past the run
    SPACED_HEX.lastIndex = 0;
    for (let m = SPACED_HEX.exec(run); m; m = SPACED_HEX.exec(run)) cands.push({ layer: 'hex', start: st + m.index, end: st + m.index + m[0].length, kind: 'spaced' });
  }
  cands.sort((x, y) => x.start - y.start);
  for (const cd of cands) {
    if (out.length >= opts.maxSegments || budget <= 0) break;
    const seg = text.slice(cd.start, cd.end);
    let d: string | undefined;
    if (cd.kind === 'spaced') d = Buffer.from(seg.replace(/[ :,]/g, ''), 'hex').toString('utf8');
    else if (cd.layer === 'hex') d = Buffer.from(seg, 'hex').toString('utf8');
    else if (!/^[a-z]+$|^[A-Z]+$/.test(seg)) d = Buffer.from(seg, 'base64').toString('utf8'); // a plain word is not base64
    if (d !== undefined && looksLikeText(d)) push({ layer: cd.layer, start: cd.start, end: cd.end, text: d });
  }
  if (text.includes('\\x')) {
    HEX_ESCAPED.lastIndex = 0;
    for (let m = HEX_ESCAPED.exec(text); m && out.length < opts.maxSegments && budget > 0; m = HEX_ESCAPED.exec(text)) {
      const d = Buffer.from(m[0].replace(/\\x/g, ''), 'hex').toString('utf8');
      if (looksLikeText(d)) push({ layer: 'hex', start: m.index, end: m.index + m[0].length, text: d });
    }
  }
  // URL encoding: whitespace-delimited tokens holding at least three %XX escapes.
  for (let at = text.indexOf('%'); at >= 0 && out.length < opts.maxSegments && budget > 0; ) {
    if (!(isHex(text.charCodeAt(at + 1)) && isHex(text.charCodeAt(at + 2)))) {
      at = text.indexOf('%', at + 1);
      continue;
    }
    let start = at;
    while (start > 0 && !/\s/.test(text[start - 1]!) && at - start < 4096) start--;
    SPACE.lastIndex = at;
    const sp = SPACE.exec(text);
    const end = sp ? sp.index : text.length;
    const token = text.slice(start, end);
    if ((token.match(PCT)?.length ?? 0) >= 3) {
      const d = decodeUrl(token);
      if (looksLikeText(d)) push({ layer: 'url', start, end, text: d });
    }
    at = text.indexOf('%', end);
  }
  // ROT13: only when rot13'd common words outnumber plain ones on a line.
  const rotLine = (lineStart: number, lineEnd: number) => {
    const line = text.slice(lineStart, lineEnd).toLowerCase();
    const hints = line.match(ROT13_HINT)?.length ?? 0;
    if (hints >= 2 && hints > (line.match(ROT13_PLAIN)?.length ?? 0)) {
      push({ layer: 'rot13', start: lineStart, end: lineEnd, text: rot13(text.slice(lineStart, lineEnd)) });
    }
  };
  const w = opts.words;
  if (w) {
    // Only the lines holding a hint word: one the walk found by its hash, or
    // inside a word with letters from U+00C0 up (the regex's word boundary
    // falls inside those), found by the regex on that word alone.
    let done = -1; // end of the last line checked
    for (let i = 0; i + 1 < w.length && out.length < opts.maxSegments && budget > 0; i += 2) {
      const a = w[i]!;
      const at = a >= 0 ? a : ~a;
      if (at < done) continue;
      if (a >= 0 ? !ROT13_HASHES.has(w[i + 1]!) : !ROT13_STARTS.within(text, at, at + w[i + 1]!) || !ROT13_ANY.test(text.slice(at, at + w[i + 1]!))) continue;
      const lineStart = text.lastIndexOf('\n', at) + 1;
      let lineEnd = text.indexOf('\n', at);
      if (lineEnd < 0) lineEnd = text.length;
      rotLine(lineStart, lineEnd);
      done = lineEnd;
    }
  } else if (ROT13_ANY.test(text)) {
    let lineStart = 0;
    while (lineStart < text.length && out.length < opts.maxSegments && budget > 0) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      rotLine(lineStart, lineEnd);
      lineStart = lineEnd + 1;
    }
  }
  return out;
}
