// Approvals over HTTP: list and show (approvers), approve and deny (approvers;
// the key's name is the approver id, so the queue's rules hold: the requesting
// agent never approves itself, quorum needs distinct approvers), and, for the
// waiting agent, the status of one approval by id, a long-poll
// (GET /v1/approvals/:id/wait?timeout=30) and a server-sent-event stream
// (GET /v1/approvals/:id/events) that both release the caller when it is answered.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApprovalError, type ApprovalRequest } from '../../approval/index.ts';
import type { Gateway } from '../gateway.ts';
import { HttpError } from '../errors.ts';
import { idParams, listQuery, voteBody } from '../schemas.ts';

const STATUS: Record<string, number> = { NOT_FOUND: 404, NOT_PENDING: 409, EXPIRED: 409, DUPLICATE_VOTE: 409, SELF_APPROVAL: 403, NOT_ALLOWED: 403, QUEUE_FULL: 503, BAD_INPUT: 400 };

type IdReq = FastifyRequest<{ Params: { id: string }; Querystring: { timeout?: string } }>;

export function registerApprovals(app: FastifyInstance, gw: Gateway): void {
  app.get<{ Querystring: { status?: 'pending' | 'approved' | 'denied' | 'expired' | 'all'; limit?: string } }>(
    '/v1/approvals',
    { config: { perm: 'approve' }, schema: { querystring: listQuery } },
    async (req) => ({ approvals: gw.queue.list({ status: req.query.status ?? 'pending', limit: Number(req.query.limit ?? 100) || 100 }) }),
  );

  app.get('/v1/approvals/:id', { config: { perm: 'approvalStatus' }, schema: { params: idParams } }, async (req: IdReq) => {
    gw.queue.expire(req.params.id);
    return present(find(gw, req.params.id));
  });

  for (const vote of ['approve', 'deny'] as const) {
    app.post<{ Params: { id: string }; Body: { comment?: string; remember?: boolean } | null }>(
      `/v1/approvals/:id/${vote}`,
      { config: { perm: 'approve' }, schema: { params: idParams, body: voteBody } },
      async (req) => {
        const who = req.caller!.name;
        const b = req.body ?? {};
        try {
          const r = vote === 'approve' ? gw.queue.approve(req.params.id, who, { comment: b.comment, remember: b.remember ?? false }) : gw.queue.deny(req.params.id, who, { comment: b.comment });
          return present(r);
        } catch (e) {
          if (e instanceof ApprovalError) throw new HttpError(STATUS[e.code] ?? 400, e.code.toLowerCase(), e.message);
          throw e;
        }
      },
    );
  }

  app.get('/v1/approvals/:id/wait', { config: { perm: 'approvalStatus' }, schema: { params: idParams, querystring: listQuery } }, async (req: IdReq, reply) => {
    const id = req.params.id;
    const timeoutMs = Math.min(Math.max(Number(req.query.timeout ?? 30), 0), 120) * 1000;
    let a = find(gw, id);
    if (a.status === 'pending' && timeoutMs > 0) {
      const done = await waitOrClose(gw, id, timeoutMs, req);
      a = done ?? find(gw, id);
    }
    if (a.status === 'approved' && req.caller!.role === 'agent') gw.queue.consume(id);
    void reply.header('cache-control', 'no-store');
    return present(a);
  });

  app.get('/v1/approvals/:id/events', { config: { perm: 'approvalStatus' }, schema: { params: idParams } }, async (req: IdReq, reply) => {
    const id = req.params.id;
    const first = find(gw, id);
    openSse(reply);
    const res = reply.raw;
    res.write(`event: status\ndata: ${JSON.stringify(present(first))}\n\n`);
    if (first.status !== 'pending') {
      res.end();
      return reply;
    }
    const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => clearInterval(ping));
    const ms = Math.max(1000, first.expiresAt - Date.now() + 2000);
    void waitOrClose(gw, id, ms, req)
      .then((done) => {
        const a = done ?? find(gw, id);
        if (a.status === 'approved' && req.caller!.role === 'agent') gw.queue.consume(id);
        if (!res.destroyed) res.end(`event: ${a.status === 'pending' ? 'status' : 'resolved'}\ndata: ${JSON.stringify(present(a))}\n\n`);
      })
      .catch((e: Error) => {
        if (!res.destroyed) res.end(`event: error\ndata: ${JSON.stringify({ error: { code: 'internal', message: e.message } })}\n\n`);
      })
      .finally(() => clearInterval(ping));
    return reply;
  });
}

/** Starts a server-sent-event response on the raw socket (fastify no longer manages it). */
export function openSse(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  reply.raw.flushHeaders?.();
}

async function waitOrClose(gw: Gateway, id: string, ms: number, req: FastifyRequest): Promise<ApprovalRequest | undefined> {
  let p: Promise<ApprovalRequest | undefined>;
  try {
    p = gw.waits.wait(id, ms);
  } catch (e) {
    throw new HttpError(503, 'too_many_waiters', (e as Error).message, undefined, { 'retry-after': '5' });
  }
  // A caller that hangs up stops counting against the waiter bound only when its wait ends; the bound still holds.
  void req;
  return p;
}

function find(gw: Gateway, id: string): ApprovalRequest {
  const a = gw.queue.get(id);
  if (!a) throw new HttpError(404, 'not_found', `no approval with id '${id}'`);
  return a;
}

/** An approval as the API returns it: the record plus, once answered, the effect the waiting caller should apply. */
export function present(a: ApprovalRequest): ApprovalRequest & { effect?: 'allow' | 'deny' } {
  if (a.status === 'pending') return a;
  return { ...a, effect: a.status === 'approved' ? 'allow' : 'deny' };
}
