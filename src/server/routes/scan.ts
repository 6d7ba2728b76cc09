// POST /v1/scan: scan text entering or leaving an agent (user input, a tool's
// response, the final output) with the firewall's scanners and the policy's
// `scan:` section. Returns the verdict (allow, warn, redact, block), findings
// (never the matched secret) and the redacted text. A scanner failure is a
// block (fail closed). Each scan is recorded in the audit log without its text.

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { HttpError } from '../errors.ts';
import { scanBody } from '../schemas.ts';
import type { ScanPoint, ScanResult } from '../../scan/types.ts';

interface ScanReq {
  text: string;
  point: ScanPoint;
  session?: string;
  source?: string;
}

type ScanFn = (text: string, opts: { point: ScanPoint; session?: string; source?: string }) => ScanResult | Promise<ScanResult>;

export function registerScan(app: FastifyInstance, gw: Gateway, bodyLimit: number): void {
  app.post<{ Body: ScanReq }>('/v1/scan', { bodyLimit, config: { perm: 'scan' }, schema: { body: scanBody } }, async (req) => {
    const scan = (gw.fw as unknown as { scan?: ScanFn }).scan;
    if (typeof scan !== 'function') throw new HttpError(501, 'not_implemented', 'this build has no text scanners (firewall.scan)');
    const { text, point, session, source } = req.body;
    const opts: { point: ScanPoint; session?: string; source?: string } = { point };
    if (session !== undefined) opts.session = session;
    if (source !== undefined) opts.source = source;
    let r: ScanResult;
    try {
      r = await scan.call(gw.fw, text, opts);
    } catch (e) {
      r = { point, verdict: 'block', findings: [], injection: { score: 0, threshold: 0 }, errors: [`scanner failed: ${(e as Error).message}`], bytes: Buffer.byteLength(text), ms: 0 };
    }
    gw.metrics.scan(r.verdict);
    try {
      gw.log.append({
        type: 'scan',
        principal: req.caller!.name,
        session,
        effect: r.verdict,
        tool: source,
        rules: r.findings.slice(0, 64).map((f) => `${f.type}:${f.rule}`),
        data: { point, verdict: r.verdict, bytes: r.bytes, injection: r.injection, findings: r.findings.length, ...(r.errors ? { errors: r.errors } : {}) },
      });
    } catch {
      /* reported by the audit log */
    }
    return r;
  });
}
