// The scanner: runs every detector over a text at one enforcement point and
// applies the policy's `scan:` section to decide allow / warn / redact / block.
//
//   normalize (NFKC, confusables, invisible chars)  -> unicode findings
//   injection: heuristics + exfil markup + classifier(s), on the text and on
//              every decoded layer (base64, hex, URL, ROT13, Unicode tags)
//   secrets, PII, canary tokens                      -> typed findings
//   actions per point and finding type -> verdict; redact spans -> placeholders
//
// Fail closed: a classifier that fails or an input over the size limit
// (in `refuse` mode) yields verdict `block` with the reason in `errors`.
// Inputs above maxBytes in `chunk` mode are scanned whole, in overlapping chunks.

import { Buffer } from 'node:buffer';
import { normalize, toOriginal, type Normalized } from './normalize.ts';
import { decodeLayers, rot13Bitmap, RunProbe, type CandidateRuns, type Layer } from './decode.ts';
import { anchorProbe, findHeuristics, heuristicScore, findExfilMarkup, type HeuristicHit } from './heuristics.ts';
import { builtinClassifier, LinearClassifier, SCREEN_FROM } from './classifier.ts';
import { AnchorProbe } from './features.ts';
import { builtinSecrets, compileSecretRules, findSecrets, SecretScanLimit, type SecretEngine, type SecretOptions } from './secrets.ts';
import { SECRET_RULES } from './secret-rules.ts';
import { findPii, PII_KINDS, type PiiKind } from './pii.ts';
import { CanaryKeeper } from './canary.ts';
import { Redactor } from './redact.ts';
import './section.ts';
import type { ScanSection } from './section.ts';
import { ACTION_RANK, type Finding, type InjectionClassifier, type ScanAction, type ScanPoint, type ScanResult, SCAN_POINTS } from './types.ts';

export interface ScanOptions {
  point: ScanPoint;
  /** Session id: redaction placeholders are stable within a session. */
  session?: string;
  /** Where the text came from (a tool name, a URL), recorded in the result for audit. */
  source?: string;
}

/** State that outlives a policy reload: the canary key and the redaction maps. */
export interface ScanState {
  canary: CanaryKeeper;
  redactor: Redactor;
}

export function createScanState(): ScanState {
  return { canary: new CanaryKeeper(), redactor: new Redactor() };
}

export interface ScannerOptions {
  /** Injection classifiers; default: the built-in model. Scores combine by max. */
  classifiers?: InjectionClassifier[];
  state?: ScanState;
}

const MIB = 1024 * 1024;
// For classifiers that declare no thresholds of their own. The built-in model carries thresholds
// chosen by cross-validation when it was trained (see docs/scanning.md).
export const DEFAULT_THRESHOLDS: Readonly<Record<ScanPoint, number>> = { input: 0.6, response: 0.95, output: 0.9 };

/** Built-in actions per point, used where the policy says nothing. */
export const DEFAULT_ACTIONS: Readonly<Record<ScanPoint, Readonly<Record<string, ScanAction>>>> = {
  input: { injection: 'block', secret: 'warn', pii: 'allow', canary: 'block', unicode: 'warn', encoding: 'warn' },
  response: { injection: 'block', secret: 'redact', pii: 'allow', canary: 'block', unicode: 'warn', encoding: 'warn', 'unicode.tag': 'block' },
  output: { injection: 'warn', secret: 'redact', pii: 'redact', canary: 'block', unicode: 'warn', encoding: 'warn', 'injection.exfil-markup': 'block' },
};

interface Piece {
  text: string;
  layers: Layer[];
  /** Span in the original text the piece stands for (the encoded segment for decoded layers). */
  span: { start: number; end: number };
  norm: Normalized | undefined;
  hits: HeuristicHit[];
  exfil: Array<{ start: number; end: number; message: string }>;
  h: number;
  /** Classifier score (max over classifiers), set by classifySync/classifyAsync. */
  c?: number;
  /**
   * The built-in classifier's score, taken first on a long text because its
   * word walk also collects the word candidates the heuristics (anchor words)
   * and decode (ROT13 hint words) would otherwise each find with a regex pass
   * of their own; in the WebAssembly walk also the secret scanner's keyword
   * trigrams and decode's candidate runs. An error is kept to be reported as
   * classifySync would.
   */
  early?: { classifier: InjectionClassifier; score: number | Error; words?: Int32Array; trigramEnds?: Int32Array; runs?: CandidateRuns };
}

interface Unit {
  /** UTF-8 length of the unit's text. */
  bytes: number;
  findings: Finding[];
  pieces: Piece[];
  errors: string[];
}

export class Scanner {
  readonly state: ScanState;
  private readonly classifiers: InjectionClassifier[];
  private readonly secrets: SecretEngine;
  private readonly disabledSecrets: ReadonlySet<string>;
  private readonly piiKinds: ReadonlySet<PiiKind>;
  private readonly maxBytes: number;
  private readonly oversize: 'chunk' | 'refuse';
  private readonly chunkChars: number;
  private readonly overlapChars: number;
  private readonly loadErrors: string[] = [];
  private readonly actionMemo = new Map<string, ScanAction>();
  /**
   * Thresholds where the policy sets none: DEFAULT_THRESHOLDS. A classifier's
   * own thresholds (the built-in model records ones chosen by
   * cross-validation) are reported, not applied: the labelled sets hold no
   * benign tool descriptions or terse commands, which score high, so the
   * cross-validated thresholds (lower) would block them (see docs/scanning.md).
   */
  readonly thresholds: Readonly<Record<ScanPoint, number>>;

  constructor(readonly section: ScanSection = {}, opts: ScannerOptions = {}) {
    this.state = opts.state ?? createScanState();
    if (opts.classifiers) this.classifiers = opts.classifiers;
    else {
      const b = builtinClassifier();
      this.classifiers = b.classifier ? [b.classifier] : [];
      if (b.error) this.loadErrors.push(b.error);
    }
    this.thresholds = DEFAULT_THRESHOLDS;
    const extra = section.secrets?.rules ?? [];
    this.secrets = extra.length
      ? compileSecretRules([...SECRET_RULES, ...extra.map((r) => ({ id: r.id, description: r.description ?? r.id, regex: r.regex, keywords: r.keywords ?? [], group: r.group, entropy: r.entropy }))])
      : builtinSecrets();
    this.disabledSecrets = new Set(section.secrets?.disable ?? []);
    this.piiKinds = new Set((section.pii?.kinds as PiiKind[] | undefined) ?? PII_KINDS);
    this.maxBytes = section.limits?.maxBytes ?? 10 * MIB;
    this.oversize = section.limits?.oversize ?? 'chunk';
    this.chunkChars = Math.max(4096, section.limits?.chunkBytes ?? MIB);
    this.overlapChars = Math.min(Math.floor(this.chunkChars / 4), section.limits?.overlapBytes ?? 4096);
  }

  /** Mints a canary token to plant in a system prompt; output containing it is reported as a leak. */
  canary(): string {
    return this.state.canary.mint();
  }

  /** Scans with every classifier, awaiting asynchronous ones. Never throws. */
  async scan(text: unknown, opts: ScanOptions): Promise<ScanResult> {
    const t0 = performance.now();
    const pre = this.begin(text, opts, t0);
    if ('result' in pre) return pre.result;
    const scores: Array<{ c: number; errors: string[] }> = [];
    for (const u of pre.units) scores.push(await this.classifyAsync(u, opts.point));
    return this.finish(pre.text, pre.bytes, pre.units, scores, opts, t0, pre.chunked);
  }

  /** Synchronous scan; an asynchronous classifier counts as a failure (fail closed) here: use scan(). Never throws. */
  scanSync(text: unknown, opts: ScanOptions): ScanResult {
    const t0 = performance.now();
    const pre = this.begin(text, opts, t0);
    if ('result' in pre) return pre.result;
    const scores = pre.units.map((u) => this.classifySync(u, opts.point));
    return this.finish(pre.text, pre.bytes, pre.units, scores, opts, t0, pre.chunked);
  }

  // ---- internals ----------------------------------------------------------

  private begin(input: unknown, opts: ScanOptions, t0: number): { text: string; bytes: number; units: Array<Unit & { offset: number }>; chunked: boolean } | { result: ScanResult } {
    const point = SCAN_POINTS.includes(opts?.point) ? opts.point : undefined;
    if (!point) return { result: this.failed('', 'input', `scan: unknown point '${String(opts?.point)}' (expected input, response or output)`, t0) };
    let text: string;
    if (typeof input === 'string') text = input;
    else if (input instanceof Uint8Array) text = Buffer.from(input).toString('utf8');
    else return { result: this.failed('', point, `scan: expected a string or bytes, got ${input === null ? 'null' : typeof input}`, t0) };
    try {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: below that bound normalize
      // counts the bytes on its way, saving a pass over a long text.
      if (text.length * 3 <= this.maxBytes) {
        const u = this.unit(text, point);
        return { text, bytes: u.bytes, units: [{ ...u, offset: 0 }], chunked: false };
      }
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes <= this.maxBytes) return { text, bytes, units: [{ ...this.unit(text, point), offset: 0 }], chunked: false };
      if (this.oversize === 'refuse') {
        return { result: this.failed(text, point, `scan: input of ${bytes} bytes exceeds scan.limits.maxBytes (${this.maxBytes}); refused (set scan.limits.oversize: chunk to scan it in chunks)`, t0) };
      }
      const units: Array<Unit & { offset: number }> = [];
      const step = this.chunkChars - this.overlapChars;
      for (let s = 0; s < text.length; s += step) {
        let st = s;
        // do not split a surrogate pair
        if (st > 0 && isLowSurrogate(text.charCodeAt(st))) st--;
        let e = Math.min(text.length, st + this.chunkChars);
        if (e < text.length && isLowSurrogate(text.charCodeAt(e))) e++;
        units.push({ ...this.unit(text.slice(st, e), point), offset: st });
        if (e >= text.length) break;
      }
      return { text, bytes, units, chunked: true };
    } catch (e) {
      return { result: this.failed(text, point, `scan: internal error: ${(e as Error).message}`, t0) };
    }
  }

  /** Everything but the classifiers, on one chunk. Spans are chunk-relative. */
  private unit(text: string, point: ScanPoint): Unit {
    const det = this.section.detectors ?? {};
    const findings: Finding[] = [];
    const errors: string[] = [];
    const norm = normalize(text);
    if (det.unicode !== false) findings.push(...norm.findings);
    const t = norm.text;
    const map = (s: number, e: number) => toOriginal(norm, s, e, text);
    const remap = (fs: Finding[]) => fs.map((f) => ({ ...f, span: map(f.span.start, f.span.end) }));

    const pieces: Piece[] = [];
    const injection = det.injection !== false;
    const addPiece = (pt: string, layers: Layer[], span: { start: number; end: number }, pn: Normalized | undefined, early?: Piece['early']) => {
      const hits = injection ? findHeuristics(pt, undefined, point === 'response', early?.words) : [];
      const exfil = injection ? findExfilMarkup(pt) : [];
      const h = heuristicScore(hits);
      pieces.push({ text: pt, layers, span, norm: pn, hits, exfil, h: exfil.length ? 1 - (1 - h) * 0.15 : h, early });
    };
    addPiece(t, [], { start: 0, end: text.length }, norm, injection ? this.scoreEarly(t, point) : undefined);

    if (det.decode !== false) {
      const decoded = decodeLayers(t, { maxChars: 4 * MIB, maxSegments: 256, words: pieces[0]?.early?.words, runs: pieces[0]?.early?.runs });
      if (norm.tagText) decoded.push({ layer: 'tags', start: 0, end: t.length, text: norm.tagText });
      let budget = 4 * MIB;
      const visit = (layerText: string, layers: Layer[], span: { start: number; end: number }, depth: number) => {
        const n2 = normalize(layerText);
        budget -= n2.text.length;
        addPiece(n2.text, layers, span, undefined);
        // secrets and canaries hidden in an encoding count too
        if (det.secrets !== false) for (const f of this.findSecrets(n2.text, { disabled: this.disabledSecrets }, errors)) findings.push({ ...f, span, layers });
        if (det.canary !== false) for (const f of this.state.canary.find(n2.text)) findings.push({ ...f, span, layers });
        if (depth < 3 && budget > 0) {
          for (const d of decodeLayers(n2.text, { maxChars: Math.min(budget, MIB), maxSegments: 16 })) visit(d.text, [...layers, d.layer], span, depth + 1);
        }
      };
      for (const d of decoded) {
        if (budget <= 0) break;
        visit(d.text, [d.layer], d.layer === 'tags' ? { start: 0, end: text.length } : map(d.start, d.end), 1);
      }
    }
    if (det.secrets !== false) findings.push(...remap(this.findSecrets(t, { disabled: this.disabledSecrets, trigramEnds: pieces[0]?.early?.trigramEnds }, errors)));
    if (det.pii !== false) findings.push(...remap(findPii(t, this.piiKinds)));
    if (det.canary !== false) findings.push(...remap(this.state.canary.find(t)));
    return { bytes: norm.inputBytes, findings, pieces, errors };
  }

  /** The secret scanner; a text it could not check whole gives what was found and an error (the verdict becomes block). */
  private findSecrets(text: string, opts: SecretOptions, errors: string[]): Finding[] {
    try {
      return findSecrets(text, this.secrets, opts);
    } catch (e) {
      if (!(e instanceof SecretScanLimit)) throw e;
      errors.push(e.message);
      return e.partial;
    }
  }

  /**
   * The built-in classifier on a long text, collecting the heuristics' and
   * decode's word candidates on the way, and (in the WebAssembly walk) the
   * secret scanner's keyword trigrams and decode's candidate runs (see Piece.early).
   */
  private scoreEarly(t: string, point: ScanPoint): Piece['early'] {
    const cl = this.classifiers.find((c): c is LinearClassifier => c instanceof LinearClassifier);
    if (!cl || t.length <= SCREEN_FROM) return undefined;
    const trigrams = this.section.detectors?.secrets !== false ? this.secrets.keywords.probe() : undefined;
    const runs = this.section.detectors?.decode !== false ? new RunProbe() : undefined;
    const probe = new AnchorProbe((PROBE_BITMAP ??= anchorProbe(undefined, rot13Bitmap()).bitmap), { trigrams, runs });
    try {
      const score = cl.score(t, point, probe);
      return {
        classifier: cl,
        score,
        words: probe.filled ? probe.pairs() : undefined,
        trigramEnds: trigrams?.filled ? trigrams.positions() : undefined,
        runs: runs?.filled ? runs.runs() : undefined,
      };
    } catch (e) {
      return { classifier: cl, score: e instanceof Error ? e : new Error(String(e)) };
    }
  }

  private classifySync(u: Unit, point: ScanPoint): { c: number; errors: string[] } {
    let c = 0;
    const errors = [...this.loadErrors];
    if (this.section.detectors?.injection === false) return { c, errors: [] };
    for (const p of u.pieces) {
      for (const cl of this.classifiers) {
        try {
          const s = p.early?.classifier === cl ? early(p.early.score) : cl.score(p.text, point);
          if (typeof s !== 'number') {
            errors.push(`classifier '${cl.name}' is asynchronous: use scan() instead of scanSync()`);
            c = 1;
            continue;
          }
          if (!(s >= 0 && s <= 1)) throw new Error(`score ${s} outside [0, 1]`);
          p.c = Math.max(p.c ?? 0, s);
          c = Math.max(c, s);
        } catch (e) {
          errors.push(`classifier '${cl.name}' failed: ${(e as Error).message}`);
          c = 1;
        }
      }
    }
    return { c, errors };
  }

  private async classifyAsync(u: Unit, point: ScanPoint): Promise<{ c: number; errors: string[] }> {
    let c = 0;
    const errors = [...this.loadErrors];
    if (this.section.detectors?.injection === false) return { c, errors: [] };
    for (const p of u.pieces) {
      for (const cl of this.classifiers) {
        try {
          const s = p.early?.classifier === cl ? early(p.early.score) : await cl.score(p.text, point);
          if (!(typeof s === 'number' && s >= 0 && s <= 1)) throw new Error(`score ${String(s)} outside [0, 1]`);
          p.c = Math.max(p.c ?? 0, s);
          c = Math.max(c, s);
        } catch (e) {
          errors.push(`classifier '${cl.name}' failed: ${(e as Error).message}`);
          c = 1;
        }
      }
    }
    return { c, errors };
  }

  private finish(text: string, bytes: number, units: Array<Unit & { offset: number }>, scores: Array<{ c: number; errors: string[] }>, opts: ScanOptions, t0: number, chunked: boolean): ScanResult {
    const point = opts.point;
    const threshold = this.section[point]?.threshold ?? this.thresholds[point];
    const findings: Finding[] = [];
    const errors: string[] = [];
    let best = { score: 0, h: 0, c: 0 };
    units.forEach((u, i) => {
      const off = u.offset;
      const shift = (f: Finding): Finding => (off ? { ...f, span: { start: f.span.start + off, end: f.span.end + off } } : f);
      for (const f of u.findings) findings.push(shift(f));
      errors.push(...scores[i]!.errors, ...u.errors);
      for (const p of u.pieces) {
        const c = p.c ?? 0;
        const s = combine(p.h, c);
        if (s > best.score) best = { score: s, h: p.h, c };
        if (s < threshold && p.exfil.length === 0) continue;
        const mapSpan = (a: number, b: number) => (p.norm ? toOriginal(p.norm, a, b, text.slice(off)) : p.span);
        const layers = p.layers.length ? { layers: p.layers } : {};
        if (s >= threshold) {
          for (const hit of p.hits.slice(0, 32)) {
            findings.push(shift({ type: 'injection', rule: hit.rule.id, kind: hit.rule.signal, span: mapSpan(hit.start, hit.end), score: s, message: hit.rule.message, ...layers }));
          }
          if (c >= threshold || p.hits.length === 0) {
            findings.push(shift({ type: 'injection', rule: 'classifier', kind: 'classifier', span: p.span, score: s, message: `injection score ${s.toFixed(2)} (classifier ${c.toFixed(2)}, heuristics ${p.h.toFixed(2)})`, ...layers }));
          }
        }
        for (const x of p.exfil) findings.push(shift({ type: 'injection', rule: 'exfil-markup', kind: 'exfiltration', span: mapSpan(x.start, x.end), score: 0.9, message: x.message, ...layers }));
      }
    });
    if (chunked) errors.push(`input larger than scan.limits.maxBytes (${this.maxBytes}) was scanned in ${units.length} overlapping chunks`);
    const merged = dedupeFindings(findings);
    let verdict: ScanAction = 'allow';
    for (const f of merged) {
      f.action = this.actionFor(point, f);
      if (ACTION_RANK[f.action] > ACTION_RANK[verdict]) verdict = f.action;
    }
    const failures = errors.filter((e) => !e.startsWith('input larger than'));
    if (failures.length > 0) verdict = 'block';
    const result: ScanResult = {
      point,
      verdict,
      findings: merged,
      injection: { score: round(best.score), threshold, classifier: round(best.c), heuristic: round(best.h) },
      bytes,
      ms: round(performance.now() - t0),
    };
    const toRedact = merged.filter((f) => f.action === 'redact' && f.type !== 'injection' && f.type !== 'unicode');
    if (toRedact.length > 0 || merged.some((f) => f.action === 'redact')) {
      result.redacted = this.state.redactor.apply(text, toRedact.map((f) => ({ span: f.span, kind: f.kind ?? f.type })), opts.session);
    }
    if (errors.length) result.errors = errors;
    if (chunked) result.chunked = true;
    return result;
  }

  /** Lookup order: point `type.rule`, point `type.kind`, point `type`, then the same in `actions`, then built-in defaults. */
  actionFor(point: ScanPoint, f: Finding): ScanAction {
    // Memoized: a long text has thousands of findings of a few kinds.
    const memoKey = `${point}\0${f.type}\0${f.rule}\0${f.kind ?? ''}`;
    let a = this.actionMemo.get(memoKey);
    if (a === undefined) {
      if (this.actionMemo.size >= 4096) this.actionMemo.clear();
      this.actionMemo.set(memoKey, (a = this.lookupAction(point, f)));
    }
    return a;
  }

  private lookupAction(point: ScanPoint, f: Finding): ScanAction {
    const keys = [`${f.type}.${f.rule}`, ...(f.kind && f.kind !== f.rule ? [`${f.type}.${f.kind}`] : []), f.type];
    for (const table of [this.section[point]?.actions, this.section.actions, DEFAULT_ACTIONS[point]]) {
      if (!table) continue;
      for (const k of keys) {
        const a = (table as Record<string, string>)[k];
        if (a) return a as ScanAction;
      }
    }
    return 'warn';
  }

  private failed(text: string, point: ScanPoint, error: string, t0: number): ScanResult {
    return {
      point,
      verdict: 'block',
      findings: [],
      injection: { score: 0, threshold: this.section[point]?.threshold ?? this.thresholds[point] },
      errors: [error],
      bytes: typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0,
      ms: round(performance.now() - t0),
    };
  }
}

/** Word hashes the scanner's walk reports: the heuristics' anchors and decode's ROT13 hints (built once). */
let PROBE_BITMAP: Uint32Array | undefined;

const early = (s: number | Error): number => {
  if (s instanceof Error) throw s;
  return s;
};

/** Heuristics and classifier agree more often than either alone: noisy-or of the two. */
export function combine(h: number, c: number): number {
  return 1 - (1 - h) * (1 - c);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Same type, rule and span reported twice (overlapping chunks, decoded layers): keep one. */
function dedupeFindings(fs: Finding[]): Finding[] {
  const out: Finding[] = [];
  let groupStart = 0; // findings with the span of the current one start here in `out`
  for (const f of fs.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end)) {
    const g = out[groupStart];
    if (!g || g.span.start !== f.span.start || g.span.end !== f.span.end) groupStart = out.length;
    let dup = false;
    for (let i = groupStart; i < out.length && !dup; i++) dup = out[i]!.type === f.type && out[i]!.rule === f.rule;
    if (!dup) out.push(f);
  }
  return out;
}
