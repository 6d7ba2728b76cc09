// Encoded layers hidden inside a text: base64, hex, URL (percent) encoding and
// ROT13. Each candidate is decoded and kept only when the result looks like
// text, so the scanner can rescan it (attackers encode instructions to slip
// past filters; models decode them happily). The patterns here are single
// character classes with a bounded tail, so they run in linear time.

import { Buffer } from 'node:buffer';

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
}

const HEX_ESCAPED = /(?:\\x[0-9a-fA-F]{2}){4,}/g;
const B64 = 1;
const HEX = 2;
/** Character classes of ASCII: base64 alphabet (standard and URL-safe), hex digits. */
const CLS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) CLS[c]! |= B64;
  if (/[0-9a-fA-F]/.test(ch)) CLS[c]! |= HEX;
}
const PCT = /%[0-9a-fA-F]{2}/g;
const SPACE = /\s/g;
const ROT13_HINT = /\b(?:gur|naq|lbh|vf|vtaber|nyy|cerivbhf|vafgehpgvbaf|flfgrz|cebzcg|gryy|cnffjbeq|frperg|erirny)\b/g;
const ROT13_PLAIN = /\b(?:the|and|you|is|to|of|in|that|it|for)\b/g;

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
  // One pass over the text finds runs of the base64 alphabet (hex runs are a subset)
  // and runs of space/colon-separated hex pairs: no regex backtracking at all.
  const cands: Array<{ layer: Layer; start: number; end: number; kind: 'run' | 'spaced' }> = [];
  let runStart = -1;
  let allHex = true;
  let grpStart = -1, grpCount = 0, grpPos = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0;
    const cls = c < 128 ? CLS[c]! : 0;
    if (cls & B64) {
      if (runStart < 0) {
        runStart = i;
        allHex = true;
      }
      if (!(cls & HEX)) allHex = false;
    } else if (runStart >= 0) {
      let e = i;
      while (e < n && e - i < 2 && text.charCodeAt(e) === 0x3d) e++; // '=' padding
      const len = i - runStart;
      if (len >= 16) cands.push({ layer: allHex && len % 2 === 0 ? 'hex' : 'base64', start: runStart, end: allHex ? i : e, kind: 'run' });
      runStart = -1;
    }
    // spaced hex: XX XX XX ... (separators ' ', ':', ',')
    if (cls & HEX && grpPos < 2) {
      if (grpPos === 0 && grpCount === 0) grpStart = i;
      grpPos++;
    } else if (grpPos === 2 && (c === 0x20 || c === 0x3a || c === 0x2c)) {
      grpCount++;
      grpPos = 0;
    } else {
      const groups = grpCount + (grpPos === 2 ? 1 : 0);
      if (groups >= 6) cands.push({ layer: 'hex', start: grpStart, end: grpPos === 2 ? i : i - grpPos - 1, kind: 'spaced' });
      grpCount = 0;
      grpPos = cls & HEX ? 1 : 0;
      if (grpPos) grpStart = i;
    }
  }
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
  PCT.lastIndex = 0;
  for (let m = PCT.exec(text); m && out.length < opts.maxSegments && budget > 0; m = PCT.exec(text)) {
    let start = m.index;
    while (start > 0 && !/\s/.test(text[start - 1]!) && m.index - start < 4096) start--;
    SPACE.lastIndex = m.index;
    const sp = SPACE.exec(text);
    const end = sp ? sp.index : text.length;
    const token = text.slice(start, end);
    PCT.lastIndex = end;
    if ((token.match(/%[0-9a-fA-F]{2}/g)?.length ?? 0) >= 3) {
      const d = decodeUrl(token);
      if (looksLikeText(d)) push({ layer: 'url', start, end, text: d });
    }
  }
  // ROT13: only when rot13'd common words outnumber plain ones on a line.
  ROT13_HINT.lastIndex = 0;
  if (ROT13_HINT.test(text)) {
    let lineStart = 0;
    while (lineStart < text.length && out.length < opts.maxSegments && budget > 0) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      const line = text.slice(lineStart, lineEnd).toLowerCase();
      const hints = line.match(ROT13_HINT)?.length ?? 0;
      if (hints >= 2 && hints > (line.match(ROT13_PLAIN)?.length ?? 0)) {
        push({ layer: 'rot13', start: lineStart, end: lineEnd, text: rot13(text.slice(lineStart, lineEnd)) });
      }
      lineStart = lineEnd + 1;
    }
  }
  return out;
}
