// Unicode normalization before matching: NFKC, confusable letters folded in
// mixed-script words, invisible characters (zero-width, bidi controls, Unicode
// tags, variation selectors, soft hyphen, C0/C1 controls) and lone surrogates
// removed. Removed characters are reported, never silently dropped: hiding
// text from humans while the model reads it is itself a signal. Unicode tag
// characters (U+E0020..U+E007E) mirror ASCII, so the hidden message they spell
// is returned too, to be scanned like any other text.
//
// Pure ASCII text (the common case) takes a fast path with no copy and no
// offset map. Otherwise `map.at(i)` is the original offset of normalized char
// i (map.at(length) = original length), so findings map back to original
// spans. The map stores one entry per piece (a copied ASCII run or one
// transformed code point), not one per character: looked up by binary search.

import type { Finding } from './types.ts';

export interface Normalized {
  /** Normalized text (case preserved). */
  text: string;
  /** Original offset of each normalized UTF-16 unit; undefined when text === original. */
  map?: OffsetMap;
  /** Findings about hidden or invalid characters, spans in the original text. */
  findings: Finding[];
  /** ASCII text spelled by Unicode tag characters, if any. */
  tagText?: string;
  /** Count of characters removed, per kind. */
  removed: Record<string, number>;
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

// Bounded cache of per-code-point NFKC results: prose in one language reuses few code points.
const nfkcCache = new Map<number, string>();
const COMBINING = /\p{M}/gu;
function nfkc(cp: number, ch: string): string {
  let r = nfkcCache.get(cp);
  if (r === undefined) {
    r = ch.normalize('NFKC');
    // Drop combining marks stacked on Latin letters ("zalgo"), keep them elsewhere (Indic scripts need them).
    const d = r.normalize('NFD');
    if (/^[A-Za-z]/.test(d)) r = d.replace(COMBINING, '');
    if (nfkcCache.size >= 8192) nfkcCache.clear();
    nfkcCache.set(cp, r);
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

export function normalize(input: string): Normalized {
  if (ASCII_CLEAN.test(input)) return { text: input, findings: [], removed: {} };
  const out: string[] = [];
  let outLen = 0;
  const findings: Finding[] = [];
  const removed: Record<string, number> = {};
  let tagText = '';
  let runKind: string | undefined;
  let runStart = 0;
  let runCount = 0;
  let wordStart = -1; // index into `out` of the current word, for confusable folding
  void wordStart;
  let wordHasAscii = false;
  let wordConf: number[] = [];

  const closeRun = (end: number) => {
    if (runKind === undefined) return;
    if (findings.length < MAX_FINDINGS) {
      findings.push({ type: 'unicode', rule: runKind, span: { start: runStart, end }, score: runKind === 'tag' || runKind === 'bidi' ? 0.9 : 0.6, message: `${runCount} ${MESSAGES[runKind]}` });
    }
    runKind = undefined;
    runCount = 0;
  };
  const closeWord = () => {
    if (wordConf.length > 0 && wordHasAscii) {
      for (const k of wordConf) out[k] = CONFUSABLES[out[k]!]!;
      removed.confusable = (removed.confusable ?? 0) + wordConf.length;
      if (findings.length < MAX_FINDINGS) {
        const first = wordConf[0]!;
        findings.push({ type: 'unicode', rule: 'confusable', span: { start: mapOut(first), end: mapOut(wordConf[wordConf.length - 1]!) + 1 }, score: 0.7, message: `${wordConf.length} ${MESSAGES.confusable}` });
      }
    }
    wordStart = -1;
    wordHasAscii = false;
    wordConf = [];
  };
  // out[] holds pieces: either one source code point, or a run of plain ASCII copied 1:1 (pieceRun).
  const pieceSrc: number[] = [];
  const pieceRun: boolean[] = [];
  const mapOut = (k: number) => pieceSrc[k]!;
  const special = /[^\t\n\r\x20-\x7e]/g;
  const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

  for (let i = 0; i < input.length; ) {
    // Bulk-copy the plain ASCII run starting at i.
    special.lastIndex = i;
    const m = special.exec(input);
    const runEnd = m ? m.index : input.length;
    if (runEnd > i) {
      closeRun(i);
      let f = i;
      while (f < runEnd && isAsciiLetter(input.charCodeAt(f))) f++;
      if (f === runEnd) wordHasAscii = true;
      else {
        if (f > i) wordHasAscii = true;
        closeWord();
        if (isAsciiLetter(input.charCodeAt(runEnd - 1))) {
          wordStart = out.length;
          wordHasAscii = true;
        }
      }
      out.push(input.slice(i, runEnd));
      pieceSrc.push(i);
      pieceRun.push(true);
      i = runEnd;
      if (i >= input.length) break;
    }
    const c = input.charCodeAt(i);
    let cp = c;
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) {
      const d = input.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        w = 2;
      }
    }
    const kind = invisibleKind(cp);
    if (kind !== undefined) {
      if (kind !== runKind) {
        closeRun(i);
        runKind = kind;
        runStart = i;
      }
      runCount++;
      removed[kind] = (removed[kind] ?? 0) + 1;
      if (kind === 'tag' && cp >= 0xe0020 && cp <= 0xe007e && tagText.length < 65536) tagText += String.fromCharCode(cp - 0xe0000);
      i += w;
      continue;
    }
    closeRun(i);
    let piece = nfkc(cp, w === 2 ? input.slice(i, i + 2) : input[i]!);
    const conf = CONFUSABLES[piece] !== undefined && piece.length === 1;
    const wordish = conf || /^\p{L}/u.test(piece);
    if (wordish) {
      if (wordStart < 0) wordStart = out.length;
      if (/^[A-Za-z]/.test(piece)) wordHasAscii = true;
      if (conf && !/^[\u2010-\u201f]$/.test(piece)) wordConf.push(out.length);
      else if (conf) piece = CONFUSABLES[piece]!; // dashes and quotes fold everywhere
    } else {
      closeWord();
      if (conf) piece = CONFUSABLES[piece]!;
    }
    out.push(piece);
    pieceSrc.push(i);
    pieceRun.push(false);
    i += w;
  }
  closeRun(input.length);
  closeWord();
  if (findings.length === MAX_FINDINGS) findings[MAX_FINDINGS - 1]!.message += ' (more findings omitted)';

  const outStart = new Int32Array(out.length);
  const srcArr = new Int32Array(out.length);
  const runArr = new Uint8Array(out.length);
  for (let k = 0; k < out.length; k++) {
    outStart[k] = outLen;
    srcArr[k] = pieceSrc[k]!;
    runArr[k] = pieceRun[k] ? 1 : 0;
    outLen += out[k]!.length;
  }
  const map = new OffsetMap(outStart, srcArr, runArr, outLen, input.length);
  const text = out.join('');
  const res: Normalized = { text, map, findings, removed };
  if (tagText) res.tagText = tagText;
  return res;
}

/** Maps a span of the normalized text back to the original text. */
export function toOriginal(n: Normalized, start: number, end: number, original: string): { start: number; end: number } {
  const m = n.map;
  if (!m) return { start, end };
  const s = m.at(start);
  if (end <= start) return { start: s, end: s };
  const last = m.at(Math.min(end - 1, Math.max(0, m.length - 1)));
  if (last >= original.length) return { start: s, end: original.length };
  const c = original.charCodeAt(last);
  const w = c >= 0xd800 && c <= 0xdbff && last + 1 < original.length ? 2 : 1;
  return { start: s, end: Math.min(last + w, original.length) };
}
