// Unicode normalization before matching: NFKC, confusable letters folded in
// mixed-script words, invisible characters (zero-width, bidi controls, Unicode
// tags, variation selectors, soft hyphen, C0/C1 controls) and lone surrogates
// removed. Removed characters are reported, never silently dropped: hiding
// text from humans while the model reads it is itself a signal. Unicode tag
// characters (U+E0020..U+E007E) mirror ASCII, so the hidden message they spell
// is returned too, to be scanned like any other text.
//
// Pure ASCII text (the common case) takes a fast path with no copy and no
// offset map; so does text whose only changes replace one UTF-16 unit by one
// (curly quotes, dashes): offsets do not move. Per-code-point work (NFKC,
// classification) is cached, so prose with many accents or quotes stays cheap. Otherwise `map.at(i)` is the original offset of normalized char
// i (map.at(length) = original length), so findings map back to original
// spans. The map stores one entry per piece (a copied ASCII run or one
// transformed code point), not one per character: looked up by binary search.

import type { Finding } from './types.ts';

export interface Normalized {
  /** Normalized text (case preserved). */
  text: string;
  /** Original offset of each normalized UTF-16 unit; undefined when offsets did not move (text === original, or every change replaced one UTF-16 unit by one). */
  map?: OffsetMap;
  /** Findings about hidden or invalid characters, spans in the original text. */
  findings: Finding[];
  /** ASCII text spelled by Unicode tag characters, if any. */
  tagText?: string;
  /** Count of characters removed, per kind. */
  removed: Record<string, number>;
  /** UTF-8 length of the original text (what Buffer.byteLength gives), counted on the way. */
  inputBytes: number;
}

/** At most this many unicode findings per text; the rest are counted in the last one. */
const MAX_FINDINGS = 64;

// Latin look-alikes from Cyrillic, Greek and a few other blocks (the most
// abused subset of Unicode's confusables.txt). Folded only inside words that
// also contain ASCII letters, so genuine Cyrillic or Greek text is untouched.
const CONFUSABLES: Record<string, string> = {
  'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x',
  'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ԁ': 'd', 'ɡ': 'g', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ʏ': 'y', 'ɪ': 'i', 'ɴ': 'n',
  'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'Ѕ': 'S', 'І': 'I', 'Ј': 'J', 'Ү': 'Y',
  'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'γ': 'y', 'ω': 'w',
  'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
  'ı': 'i', 'ȷ': 'j', 'ℓ': 'l', '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"',
};

const ASCII_CLEAN = /^[\t\n\r\x20-\x7e]*$/;

/** Classifies invisible or invalid code points; undefined for ordinary ones. */
function invisibleKind(cp: number): string | undefined {
  if (cp < 0x20) return cp === 9 || cp === 10 || cp === 13 ? undefined : 'control';
  if (cp < 0x7f) return undefined;
  if (cp <= 0x9f) return 'control';
  if (cp === 0xad) return 'soft-hyphen';
  if (cp === 0x34f || cp === 0x61c || cp === 0x115f || cp === 0x1160 || cp === 0x17b4 || cp === 0x17b5 || cp === 0x180e || cp === 0x3164 || cp === 0xffa0) return 'zero-width';
  if (cp >= 0x200b && cp <= 0x200f) return cp >= 0x200e ? 'bidi' : 'zero-width';
  if (cp >= 0x202a && cp <= 0x202e) return 'bidi';
  if (cp >= 0x2060 && cp <= 0x2064) return 'zero-width';
  if (cp >= 0x2066 && cp <= 0x2069) return 'bidi';
  if (cp >= 0x206a && cp <= 0x206f) return 'zero-width';
  if (cp === 0xfeff) return 'zero-width';
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 'variation-selector';
  if (cp >= 0xfff9 && cp <= 0xfffb) return 'zero-width';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 'variation-selector';
  if (cp >= 0xd800 && cp <= 0xdfff) return 'lone-surrogate';
  return undefined;
}

const MESSAGES: Record<string, string> = {
  control: 'control characters',
  'soft-hyphen': 'soft hyphens (invisible)',
  'zero-width': 'zero-width characters',
  bidi: 'bidirectional control characters (can reorder what a human sees)',
  'variation-selector': 'variation selectors (can smuggle bytes)',
  tag: 'Unicode tag characters (invisible ASCII)',
  'lone-surrogate': 'lone surrogates (invalid UTF-16)',
  confusable: 'look-alike letters from another script inside a Latin word',
};

/** What normalization does with one (non-ASCII or control) code point; computed once per code point. */
interface CpInfo {
  /** Invisible or invalid kind (the code point is removed), or undefined. */
  kind: string | undefined;
  /** NFKC replacement (combining marks on Latin letters dropped); dashes and quotes already folded. */
  piece: string;
  /** A Latin look-alike folded only inside a word that also holds ASCII letters. */
  conf: boolean;
  /** Starts with a letter (or is a look-alike): part of a word. */
  wordish: boolean;
  /** Starts with an ASCII letter. */
  ascii: boolean;
}

// Cache: prose in one language reuses few code points, and the regex tests
// below cost far more than a lookup. Code points below U+3000 (Latin, Greek,
// Cyrillic, punctuation, the scripts prose mostly uses) sit in an array
// indexed by code point; the rest in a bounded map.
const LOW_CACHE = 0x3000;
const cpLow: Array<CpInfo | undefined> = new Array<CpInfo | undefined>(LOW_CACHE).fill(undefined);
const cpCache = new Map<number, CpInfo>();
const COMBINING = /\p{M}/gu;
export function cpInfo(cp: number): CpInfo {
  let r = cp < LOW_CACHE ? cpLow[cp] : cpCache.get(cp);
  if (r !== undefined) return r;
  const kind = invisibleKind(cp);
  let piece = '';
  let conf = false;
  let wordish = false;
  if (kind === undefined) {
    piece = String.fromCodePoint(cp).normalize('NFKC');
    // Drop combining marks stacked on Latin letters ("zalgo"), keep them elsewhere (Indic scripts need them).
    const d = piece.normalize('NFD');
    if (/^[A-Za-z]/.test(d)) piece = d.replace(COMBINING, '');
    const c = piece.length === 1 ? CONFUSABLES[piece] : undefined;
    // a look-alike (also a dash or quote) does not end the word it sits in
    wordish = c !== undefined || /^\p{L}/u.test(piece);
    if (c !== undefined && /^[\u2010-\u201f]$/.test(piece)) piece = c; // dashes and quotes fold everywhere
    else if (c !== undefined) conf = true;
  }
  r = { kind, piece, conf, wordish, ascii: /^[A-Za-z]/.test(piece) };
  if (cp < LOW_CACHE) cpLow[cp] = r;
  else {
    if (cpCache.size >= 8192) cpCache.clear();
    cpCache.set(cp, r);
  }
  return r;
}

/** Piecewise map from normalized offsets to original offsets. */
export class OffsetMap {
  constructor(
    /** Normalized start offset of each piece, ascending. */
    private readonly outStart: Int32Array,
    /** Original start offset of each piece. */
    private readonly src: Int32Array,
    /** 1 when the piece was copied unchanged (offsets advance together), 0 when it stands for one code point. */
    private readonly run: Uint8Array,
    readonly length: number,
    private readonly originalLength: number,
  ) {}

  at(i: number): number {
    if (i >= this.length) return this.originalLength;
    let lo = 0;
    let hi = this.outStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.outStart[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.run[lo] ? this.src[lo]! + (i - this.outStart[lo]!) : this.src[lo]!;
  }
}

/**
 * One UTF-16 unit outside printable ASCII, tab and newlines (a surrogate pair
 * is completed by hand). A single character class: V8 scans for it several
 * times faster than for an alternation, and `test` allocates no match.
 */
const SPECIAL = /[^\t\n\r\x20-\x7e]/g;
/**
 * The same but stopping at tabs and newlines too: V8 scans for a class that is
 * one range left out a third faster (measured 4.6 against 6.9 ms on 8 MB), so
 * prose, with a newline every few hundred characters, is scanned with this one
 * until tabs and newlines turn out to be dense (code, tables), then with SPECIAL.
 */
const SPECIAL_WS = /[^\x20-\x7e]/g;
/** Output buffer for runs of dense changes (a piece is at most 18 units: NFKC of U+FDFA). */
const BUF = new Uint16Array(4096);

export function normalize(input: string): Normalized {
  SPECIAL_WS.lastIndex = 0;
  if (!SPECIAL_WS.test(input) || ASCII_CLEAN.test(input)) return { text: input, findings: [], removed: {}, inputBytes: input.length };
  const findings: Finding[] = [];
  const removed: Record<string, number> = {};
  let tagText = '';
  let runKind: string | undefined;
  let runStart = 0;
  let runEnd = -1;
  let runCount = 0;
  // Offset map pieces, recorded only where a replacement changes the length:
  // (normalized start, original start, 1 = copied run / 0 = one code point).
  const outStart: number[] = [0];
  const srcStart: number[] = [0];
  const isRun: number[] = [1];
  let delta = 0; // normalized offset - original offset, after the last special character
  let changed = false;
  let moved = false; // some replacement changed the length: offsets need the map
  // The word around the last look-alike looked at: [start, end) in the input, and whether its look-alikes fold.
  let wordS = -1, wordE = -1, wordFold = false;

  const closeRun = () => {
    if (runKind === undefined) return;
    if (findings.length < MAX_FINDINGS) {
      findings.push({ type: 'unicode', rule: runKind, span: { start: runStart, end: runEnd }, score: runKind === 'tag' || runKind === 'bidi' ? 0.9 : 0.6, message: `${runCount} ${MESSAGES[runKind]}` });
    }
    runKind = undefined;
    runCount = 0;
  };

  // The regex jumps from one special character to the next; only characters
  // that change are spliced into the output (a rope of slices of the input),
  // so characters kept as they are (bullets, ß) cost a lookup and nothing more.
  let out = '';
  let copied = 0; // input offset up to which `out` (and BUF[0, bl)) hold the normalized text
  let bl = 0;
  const flush = () => {
    out += String.fromCharCode.apply(null, BUF.subarray(0, bl) as unknown as number[]);
    bl = 0;
  };
  const n = input.length;
  let re = SPECIAL_WS;
  let ws = 0; // tabs and newlines SPECIAL_WS stopped at
  let extraBytes = 0; // UTF-8 bytes beyond one per UTF-16 unit: every unit from U+007F up passes the loop
  re.lastIndex = 0;
  while (re.test(input)) {
    const off = re.lastIndex - 1;
    const c0 = input.charCodeAt(off);
    if (c0 === 10 || c0 === 9 || c0 === 13) {
      // kept as they are; past 64 of them, more than one per 512 characters: switch
      if (++ws > 64 && ws * 512 > off) {
        SPECIAL.lastIndex = re.lastIndex;
        re = SPECIAL;
      }
      continue;
    }
    let w = 1;
    let cp = c0;
    if (c0 >= 0xd800 && c0 <= 0xdbff && off + 1 < n) {
      const c1 = input.charCodeAt(off + 1);
      if ((c1 & 0xfc00) === 0xdc00) {
        w = 2;
        cp = (c0 - 0xd800) * 0x400 + (c1 - 0xdc00) + 0x10000;
        re.lastIndex = off + 2;
      }
    }
    // a pair is 4 bytes for 2 units; a lone surrogate is written as U+FFFD, 3 bytes
    extraBytes += w === 2 ? 2 : c0 < 0x80 ? 0 : c0 < 0x800 ? 1 : 2;
    const piece = step(off, w, cp);
    if (piece === undefined) continue;
    const gap = off - copied;
    if (gap >= 8) {
      // changes 8+ units apart (prose): the rope gets a slice of the input and the piece
      if (bl > 0) flush();
      out += input.slice(copied, off) + piece;
    } else {
      // dense changes (binary, invisible characters every few letters): copy into a buffer, so the rope gets one node per 4096 units
      if (bl + gap + piece.length > BUF.length) flush();
      for (let k = copied; k < off; k++) BUF[bl++] = input.charCodeAt(k);
      for (let k = 0; k < piece.length; k++) BUF[bl++] = piece.charCodeAt(k);
    }
    copied = off + w;
  }
  if (bl > 0) flush();
  closeRun();
  if (findings.length === MAX_FINDINGS) findings[MAX_FINDINGS - 1]!.message += ' (more findings omitted)';
  let text = input;
  if (changed) {
    text = copied < n ? out + input.slice(copied) : out;
    // Flatten the rope here (charCodeAt does), so its cost is paid by normalize and not by the first detector.
    if (text.length > 0) text.charCodeAt(0);
  }
  const res: Normalized = { text, findings, removed, inputBytes: n + extraBytes };
  if (tagText) res.tagText = tagText;
  if (moved) res.map = new OffsetMap(Int32Array.from(outStart), Int32Array.from(srcStart), Uint8Array.from(isRun), text.length, input.length);
  return res;

  /** Handles the special code point at `off` (width w): its replacement, or undefined when it stays as it is. */
  function step(off: number, w: number, cp: number): string | undefined {
    const info = cpInfo(cp);
    const kind = info.kind;
    if (kind !== undefined) {
      if (kind !== runKind || off !== runEnd) {
        closeRun();
        runKind = kind;
        runStart = off;
      }
      runEnd = off + w;
      runCount++;
      removed[kind] = (removed[kind] ?? 0) + 1;
      if (kind === 'tag' && cp >= 0xe0020 && cp <= 0xe007e && tagText.length < 65536) tagText += String.fromCharCode(cp - 0xe0000);
      changed = true;
      record(off, w, 0);
      return '';
    }
    if (off !== runEnd) closeRun();
    let piece = info.piece;
    if (info.conf) {
      if (off >= wordE) scanWord(off);
      if (wordFold) piece = CONFUSABLES[piece]!;
    }
    if (piece.length !== w) record(off, w, piece.length);
    else if (w === 1 ? piece.charCodeAt(0) === cp : piece === String.fromCodePoint(cp)) return undefined;
    changed = true;
    return piece;
  }

  /** A code point at `off` (width w) became `len` units: one piece for it, then a copied run after it. */
  function record(off: number, w: number, len: number): void {
    const o = off + delta;
    moved = true;
    if (len > 0) {
      if (outStart[outStart.length - 1] === o) {
        // the run that was to start here is empty: reuse its slot
        srcStart[srcStart.length - 1] = off;
        isRun[isRun.length - 1] = 0;
      } else {
        outStart.push(o);
        srcStart.push(off);
        isRun.push(0);
      }
    }
    delta += len - w;
    const next = off + w + delta;
    if (outStart[outStart.length - 1] === next) {
      srcStart[srcStart.length - 1] = off + w;
      isRun[isRun.length - 1] = 1;
    } else {
      outStart.push(next);
      srcStart.push(off + w);
      isRun.push(1);
    }
  }

  /**
   * The word holding the look-alike at `off`: letters (ASCII or not, look-alikes,
   * dashes and quotes) on both sides. Its look-alikes fold when it also holds
   * an ASCII letter; one finding per such word.
   */
  function scanWord(off: number): void {
    let s = off;
    while (s > 0) {
      const k = unitBefore(s);
      if (!wordUnit(s - k, k)) break;
      s -= k;
    }
    let e = off;
    let ascii = false;
    let first = -1, last = -1, confs = 0;
    for (let i = s; i < input.length; ) {
      const k = unitAt(i);
      const info = wordInfo(i, k);
      if (info === undefined) break;
      if (info.ascii) ascii = true;
      if (info.conf) {
        if (first < 0) first = i;
        last = i;
        confs++;
      }
      i += k;
      e = i;
    }
    wordS = s;
    wordE = e;
    wordFold = ascii;
    if (ascii) {
      removed.confusable = (removed.confusable ?? 0) + confs;
      changed = true;
      if (findings.length < MAX_FINDINGS) findings.push({ type: 'unicode', rule: 'confusable', span: { start: first, end: last + 1 }, score: 0.7, message: `${confs} ${MESSAGES.confusable}` });
    }
    void wordS;
  }
  function unitAt(i: number): number {
    const c = input.charCodeAt(i);
    return c >= 0xd800 && c <= 0xdbff && i + 1 < input.length && (input.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  function unitBefore(i: number): number {
    const c = input.charCodeAt(i - 1);
    return (c & 0xfc00) === 0xdc00 && i >= 2 && (input.charCodeAt(i - 2) & 0xfc00) === 0xd800 ? 2 : 1;
  }
  /** Word info of the code point at i (width k): undefined when it ends a word. Invisible characters are skipped over. */
  function wordInfo(i: number, k: number): { ascii: boolean; conf: boolean } | undefined {
    const c = input.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return ASCII_LETTER;
      return (c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f ? NEUTRAL : undefined; // removed controls do not split a word
    }
    const info = cpInfo(k === 2 ? (c - 0xd800) * 0x400 + (input.charCodeAt(i + 1) - 0xdc00) + 0x10000 : c);
    if (info.kind !== undefined) return NEUTRAL;
    return info.wordish ? info : undefined;
  }
  function wordUnit(i: number, k: number): boolean {
    return wordInfo(i, k) !== undefined;
  }
}

const ASCII_LETTER = { ascii: true, conf: false };
const NEUTRAL = { ascii: false, conf: false };

/** Maps a span of the normalized text back to the original text. */
export function toOriginal(n: Normalized, start: number, end: number, original: string): { start: number; end: number } {
  const m = n.map;
  if (!m) {
    // offsets did not move; a span still covers whole surrogate pairs, as mapped spans do
    const s = start > 0 && start < original.length && (original.charCodeAt(start) & 0xfc00) === 0xdc00 && (original.charCodeAt(start - 1) & 0xfc00) === 0xd800 ? start - 1 : start;
    if (end <= start) return { start: s, end: s };
    const e = end < original.length && (original.charCodeAt(end) & 0xfc00) === 0xdc00 && (original.charCodeAt(end - 1) & 0xfc00) === 0xd800 ? end + 1 : end;
    return { start: s, end: e };
  }
  const s = m.at(start);
  if (end <= start) return { start: s, end: s };
  const last = m.at(Math.min(end - 1, Math.max(0, m.length - 1)));
  if (last >= original.length) return { start: s, end: original.length };
  const c = original.charCodeAt(last);
  const w = c >= 0xd800 && c <= 0xdbff && last + 1 < original.length ? 2 : 1;
  return { start: s, end: Math.min(last + w, original.length) };
}
