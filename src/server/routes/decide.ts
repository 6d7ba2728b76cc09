// POST /v1/decide: one action -> its decision, or `{ actions: [...] }` -> `{ decisions: [...] }`.
// An `ask` creates (or joins) a pending approval and answers at once with its
// id and where to wait (`pending`), or with `?wait=true` (single action only)
// holds the request until a human answers or the approval times out, and
// answers the final allow or deny. Actions without a principal are attributed
// to the calling key's name.

import type { FastifyInstance } from 'fastify';
import type { Action, Decision } from '../../action.ts';
import type { Gateway } from '../gateway.ts';
import type { Caller } from '../auth.ts';
import { decideBody, decideQuery, decideResponse } from '../schemas.ts';
import { HttpError } from '../errors.ts';
import { checkAction } from '../../action.ts';

type PendingInfo = { id: string; status: string; expiresAt: number; wait: string; events: string };

export function registerDecide(app: FastifyInstance, gw: Gateway): void {
  app.post<{ Body: Action | { actions: Action[] }; Querystring: { wait?: string } }>(
    '/v1/decide',
    { config: { perm: 'decide' }, schema: { body: decideBody, querystring: decideQuery, response: decideResponse } },
    async (req) => {
      const body = req.body;
      const caller = req.caller!;
      const wait = req.query.wait === 'true' || req.query.wait === '1';
      if ('actions' in body && Array.isArray(body.actions)) {
        if (wait) throw new HttpError(400, 'invalid_request', 'wait is only supported for a single action; wait on each pending approval instead');
        const decisions = new Array<Decision>(body.actions.length);
        for (let i = 0; i < body.actions.length; i++) decisions[i] = decideOne(gw, attribute(body.actions[i]!, caller));
        return { decisions };
      }
      const action = attribute(body as Action, caller);
      if (!wait) return decideOne(gw, action);
      // Refuse bad actions before waiting on anything: authorize() would deny them anyway.
      const problems = checkAction(action);
      if (problems.length > 0) return gw.decide(action);
      return gw.fw.authorize(action);
    },
  );
}

function attribute(a: Action, caller: Caller): Action {
  if (a.principal === undefined) a.principal = { id: caller.name };
  return a;
}

function decideOne(gw: Gateway, action: Action): Decision & { pending?: PendingInfo } {
  const d = gw.decide(action);
  if (d.effect !== 'ask') return d;
  try {
    const p = pendingApproval(gw, action, d);
    if (p.status === 'approved') return { ...d, effect: 'allow', reasons: [...d.reasons, `approval ${p.id}: approved earlier (${p.why})`] };
    return { ...d, pending: p };
  } catch (e) {
    // No approval could be requested (queue full, store error): fail closed.
    return { ...d, effect: 'deny', reasons: [...d.reasons, `approval could not be requested: ${(e as Error).message}`] };
  }
}

/**
 * The approval a non-waiting `ask` refers to: an identical one of the same
 * agent that is already pending, else a new one. One that is approved and
 * unused (or remembered for the session) lets the action through now, as the
 * firewall's own approver would. The caller waits on a pending one with
 * GET /v1/approvals/:id/wait or the /events stream.
 */
function pendingApproval(gw: Gateway, action: Action, d: Decision): PendingInfo & { why?: string } {
  const reuse = gw.queue.findReusable(action);
  const info = (id: string, status: string, expiresAt: number) => ({ id, status, expiresAt, wait: `/v1/approvals/${id}/wait`, events: `/v1/approvals/${id}/events` });
  if (reuse && 'remembered' in reuse) return { ...info(reuse.remembered, 'approved', 0), why: 'remembered for this session' };
  if (reuse && reuse.approval.status === 'approved') {
    gw.queue.consume(reuse.approval.id);
    return { ...info(reuse.approval.id, 'approved', reuse.approval.expiresAt), why: reuse.approval.outcome ?? 'approved' };
  }
  if (reuse) return info(reuse.approval.id, reuse.approval.status, reuse.approval.expiresAt);
  const req = gw.queue.create(action, d, undefined);
  return info(req.id, req.status, req.expiresAt);
}
