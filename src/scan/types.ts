// Shared types of the text scanners: where a text is scanned (point), what a
// scanner found (Finding) and what the policy's scan section makes of it
// (ScanResult with a verdict). Every detector returns Findings with spans in
// the ORIGINAL text, so redaction and reporting never depend on normalization.

/** Where the text comes from: user input, a tool's response, or the agent's final output. */
export type ScanPoint = 'input' | 'response' | 'output';
export const SCAN_POINTS: readonly ScanPoint[] = ['input', 'response', 'output'];

/** Finding families; a finding's `rule` says which detector or rule matched. */
export type FindingType = 'injection' | 'secret' | 'pii' | 'canary' | 'unicode' | 'encoding';
export const FINDING_TYPES: readonly FindingType[] = ['injection', 'secret', 'pii', 'canary', 'unicode', 'encoding'];

/** What to do about a finding; ordered by strictness: block > redact > warn > allow. */
export type ScanAction = 'allow' | 'warn' | 'redact' | 'block';
export const SCAN_ACTIONS: readonly ScanAction[] = ['allow', 'warn', 'redact', 'block'];
export const ACTION_RANK: Readonly<Record<ScanAction, number>> = { allow: 0, warn: 1, redact: 2, block: 3 };

export interface Span {
  start: number;
  end: number;
}

export interface Finding {
  type: FindingType;
  /** Detector rule id, e.g. `override`, `aws-access-key-id`, `email`, `zero-width`. */
  rule: string;
  /** Sub-kind for PII and secrets (the placeholder type), e.g. `email`, `card`, `secret`. */
  kind?: string;
  /** Span in the original text (UTF-16 code units, end exclusive). */
  span: Span;
  /** Confidence in [0, 1]. */
  score: number;
  /** Short human-readable explanation. Never contains the matched secret value. */
  message: string;
  /** Decoding layers the text went through before this finding (e.g. ['base64']). */
  layers?: string[];
  /** Action the policy gives this finding at this point. */
  action?: ScanAction;
}

export interface ScanResult {
  point: ScanPoint;
  /** Strictest action over all findings (allow when nothing was found). */
  verdict: ScanAction;
  findings: Finding[];
  /** Injection score in [0, 1] and the threshold it was compared with. */
  injection: { score: number; threshold: number; classifier?: number; heuristic?: number };
  /** The text with every `redact` finding replaced by its placeholder (present when something was redacted). */
  redacted?: string;
  /** Problems met while scanning (oversized input, classifier failure); each one made the verdict stricter. */
  errors?: string[];
  /** True when the input was scanned in overlapping chunks. */
  chunked?: boolean;
  /** Bytes (UTF-8) scanned. */
  bytes: number;
  /** Scan time in milliseconds. */
  ms: number;
}

/** Pluggable injection classifier: a local model, an ONNX runtime, an HTTP service. */
export interface InjectionClassifier {
  readonly name: string;
  /** Probability in [0, 1] that the text carries a prompt injection; `point` says where the text was found. */
  score(text: string, point?: ScanPoint): number | Promise<number>;
  /** Default injection thresholds per point that suit this classifier's scores (a policy's `threshold` still wins). */
  readonly thresholds?: Partial<Record<ScanPoint, number>>;
}
