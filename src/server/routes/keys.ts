// API key management (admin): GET /v1/keys (ids, names, roles; never secrets
// or hashes), POST /v1/keys (the new token is in the response, once),
// DELETE /v1/keys/:id (revoke; its dashboard sessions end too).

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { KeyError, type ApiKey, type Role } from '../auth.ts';
import { HttpError } from '../errors.ts';
import { keyBody } from '../schemas.ts';
import type { DashboardSessions } from '../dashboard/sessions.ts';

export function publicKey(k: ApiKey) {
  return { id: k.id, name: k.name, role: k.role, createdAt: k.createdAt, ...(k.revokedAt ? { revokedAt: k.revokedAt } : {}), ...(k.rate ? { rate: k.rate } : {}), ...(k.burst ? { burst: k.burst } : {}) };
}

export function registerKeys(app: FastifyInstance, gw: Gateway, sessions: DashboardSessions): void {
  app.get('/v1/keys', { config: { perm: 'keys' } }, async () => ({ keys: gw.keys.list().map(publicKey) }));

  app.post<{ Body: { name: string; role: Role; rate?: number; burst?: number } }>('/v1/keys', { config: { perm: 'keys' }, schema: { body: keyBody } }, async (req, reply) => {
    try {
      const { token, key } = gw.keys.create(req.body);
      void reply.code(201);
      return { token, key: publicKey(key) };
    } catch (e) {
      if (e instanceof KeyError) throw new HttpError(400, 'invalid_request', e.message);
      throw e;
    }
  });

  app.delete<{ Params: { id: string } }>('/v1/keys/:id', { config: { perm: 'keys' } }, async (req) => {
    try {
      const k = gw.keys.revoke(req.params.id);
      sessions.dropKey(k.id);
      return { key: publicKey(k) };
    } catch (e) {
      if (e instanceof KeyError) throw new HttpError(404, 'not_found', e.message);
      throw e;
    }
  });
}
