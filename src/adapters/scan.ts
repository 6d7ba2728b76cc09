// How adapters reach the text scanners: through `firewall.scan(text, { point,
// session, source })` when the firewall has it. Looked up structurally so the
// adapters keep working (without scanning) on a firewall built without the
// scanners, and so adapters never depend on scanner internals.

import type { Firewall } from '../firewall.ts';

export type ScanPointName = 'input' | 'response' | 'output';

/** The part of a scan result adapters use (a structural subset of src/scan ScanResult). */
export interface ScanOutcome {
  verdict: 'allow' | 'warn' | 'redact' | 'block' | string;
  findings: ReadonlyArray<{ type: string; rule?: string; message?: string; score?: number; action?: string }>;
  redacted?: string;
  errors?: string[];
}

export type ScanFn = (text: string, opts: { point: ScanPointName; session?: string; source?: string }) => ScanOutcome | Promise<ScanOutcome>;

/** The firewall's scan function, or undefined when this firewall has no scanners. */
export function scannerOf(firewall: Firewall | object): ScanFn | undefined {
  const scan = (firewall as { scan?: unknown }).scan;
  return typeof scan === 'function' ? (scan.bind(firewall) as ScanFn) : undefined;
}

/**
 * One line for the model about what the scanners found: finding types only
 * (never the matched text, so a secret in an output is not repeated).
 */
export function describeFindings(outcome: ScanOutcome, source?: string): string {
  // Finding types only: they are stable across scanner versions, and enough for the model.
  const parts = [...new Set(outcome.findings.map((f) => f.type))];
  if (outcome.errors?.length) parts.push(`scan errors: ${outcome.errors.slice(0, 3).join('; ')}`);
  const where = source ? `the output of ${source}` : 'the prompt';
  return `scan of ${where} found ${parts.join('; ') || 'nothing specific'} (verdict ${outcome.verdict})`;
}

/** True when the outcome warrants telling the model (an injection or anything not plainly allowed). */
export function worthWarning(outcome: ScanOutcome): boolean {
  return outcome.verdict !== 'allow' || outcome.findings.some((f) => f.type === 'injection');
}
