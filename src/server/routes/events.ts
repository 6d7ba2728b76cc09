// GET /v1/events: the live feed as server-sent events for dashboards and
// operators: `hello` (recent decisions), then `decisions` batches, `approval`
// (requested / resolved) and `policy` (reloaded / rejected) events.

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { HttpError } from '../errors.ts';
import { openSse } from './approvals.ts';

export function registerEvents(app: FastifyInstance, gw: Gateway): void {
  app.get('/v1/events', { config: { perm: 'read' } }, async (_req, reply) => {
    if (gw.feed.clientCount >= gw.feed.maxClients) throw new HttpError(503, 'too_many_streams', `too many event streams open (${gw.feed.clientCount})`, undefined, { 'retry-after': '5' });
    openSse(reply);
    const res = reply.raw;
    gw.feed.attach(res);
    res.write(`event: hello\ndata: ${JSON.stringify({ items: gw.feed.recent(50).reverse(), policyDigest: gw.fw.policy.digest })}\n\n`);
    const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => clearInterval(ping));
    return reply;
  });

  app.get<{ Querystring: { limit?: string; effect?: string; agent?: string } }>('/v1/decisions/recent', { config: { perm: 'read' } }, async (req) => {
    const limit = Math.min(Math.max(Number(req.query.limit ?? 100) || 100, 1), gw.feed.capacity);
    return { items: gw.feed.recent(limit, { effect: req.query.effect, principal: req.query.agent }) };
  });

  app.get('/v1/stats/timeline', { config: { perm: 'read' } }, async () => ({ bucketMs: 10_000, buckets: gw.feed.timeline(), totals: gw.metrics.effects }));
}
