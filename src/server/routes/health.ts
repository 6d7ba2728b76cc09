// GET /health (no key: liveness and readiness for load balancers; 503 when the
// audit log is failing) and GET /metrics (Prometheus text format; any key).

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';

export function registerHealth(app: FastifyInstance, gw: Gateway): void {
  const health = async (_req: unknown, reply: { code(n: number): unknown }) => {
    const ok = gw.log.healthy;
    if (!ok) reply.code(503);
    return {
      status: ok ? 'ok' : 'degraded',
      uptimeS: Math.round((Date.now() - gw.started) / 1000),
      policyDigest: gw.fw.policy.digest,
      audit: { healthy: ok, buffered: gw.log.pending, ...(ok ? {} : { error: gw.log.lastError?.message }) },
    };
  };
  app.get('/health', { config: { perm: 'public' } }, health);
  app.get('/v1/health', { config: { perm: 'public' } }, health);
  app.get('/metrics', { config: { perm: 'metrics' } }, async (_req, reply) => {
    void reply.type('text/plain; version=0.0.4; charset=utf-8');
    return gw.metrics.render();
  });
}
