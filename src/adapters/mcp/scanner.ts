// Which text scanner the gateway uses: the firewall's own `scan()` (the
// policy's `scan:` section, shared redaction state and canaries), or one given
// by the caller. A scanner that throws counts as `block` (fail closed).

import type { Firewall } from '../../firewall.ts';
import type { ScanPoint, ScanResult } from '../../scan/types.ts';

export interface TextScanOptions {
  point: ScanPoint;
  session?: string;
  source?: string;
}

export type TextScanner = (text: string, opts: TextScanOptions) => ScanResult | Promise<ScanResult>;

/** The firewall's scan(), or undefined while the firewall has none. */
export function firewallScanner(fw: Firewall): TextScanner | undefined {
  const scan = (fw as unknown as { scan?: unknown }).scan;
  if (typeof scan !== 'function') return undefined;
  return (text, opts) => (scan as (t: string, o: TextScanOptions) => ScanResult | Promise<ScanResult>).call(fw, text, opts);
}

/** Runs a scanner and never throws: a failure is a `block` result carrying the error. */
export async function safeScan(scanner: TextScanner, text: string, opts: TextScanOptions): Promise<ScanResult> {
  try {
    return await scanner(text, opts);
  } catch (e) {
    const msg = `scanner failed: ${(e as Error).message}`;
    return { point: opts.point, verdict: 'block', findings: [], injection: { score: 0, threshold: 0 }, errors: [msg], bytes: text.length, ms: 0 };
  }
}
