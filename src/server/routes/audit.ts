// The audit log over HTTP: GET /v1/audit (filtered query, newest first) and
// GET /v1/audit/verify (every hash, link and signed checkpoint). Verification
// reads the whole log, on a worker thread (audit/verify-thread.ts), so the
// gateway keeps answering decisions meanwhile; concurrent requests share one run.

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { parseTime, queryRecords, type AuditQuery, type AuditType } from '../../audit/index.ts';
import { verifyInThread } from '../../audit/verify-thread.ts';
import { HttpError } from '../errors.ts';
import { auditQuery } from '../schemas.ts';

type Q = { agent?: string; effect?: string; rule?: string; tool?: string; type?: AuditType; session?: string; since?: string; until?: string; limit?: string };

export function registerAudit(app: FastifyInstance, gw: Gateway): void {
  app.get<{ Querystring: Q }>('/v1/audit', { config: { perm: 'read' }, schema: { querystring: auditQuery } }, async (req) => {
    const q = req.query;
    let query: AuditQuery;
    try {
      query = {
        agent: q.agent,
        effect: q.effect,
        rule: q.rule,
        tool: q.tool,
        type: q.type,
        session: q.session,
        since: q.since !== undefined ? parseTime(q.since) : undefined,
        until: q.until !== undefined ? parseTime(q.until) : undefined,
        limit: Math.min(Number(q.limit ?? 100) || 100, 1000),
        desc: true,
      };
    } catch (e) {
      throw new HttpError(400, 'invalid_request', (e as Error).message);
    }
    tryFlush(gw);
    return { records: [...queryRecords(gw.store, query)] };
  });

  app.get('/v1/audit/verify', { config: { perm: 'read' } }, async () => {
    tryFlush(gw);
    return verifyInThread(gw.store.file, gw.store.dataDir);
  });
}

/** Commits buffered records so a query or a verification sees every decision made so far. */
function tryFlush(gw: Gateway): void {
  try {
    gw.log.flush();
  } catch {
    /* reported by the audit log; the query shows what is committed */
  }
}
