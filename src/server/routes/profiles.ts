// Per-agent behavioral profiles (from the session layer): GET /v1/profiles
// lists known agents, GET /v1/profiles/:agent shows what the agent usually
// does (tools, destinations, path prefixes, peak rate) and its recent actions
// with their anomaly scores.

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { HttpError } from '../errors.ts';

export function registerProfiles(app: FastifyInstance, gw: Gateway): void {
  const session = () => {
    const s = gw.ext.session;
    if (!s) throw new HttpError(501, 'not_implemented', 'this build has no session layer (behavioral profiles)');
    return s;
  };
  app.get('/v1/profiles', { config: { perm: 'read' } }, async () => {
    const s = session();
    const agents = s.agents(1000).map((id) => {
      const p = s.profile(id, 0);
      return { id, steps: p?.steps ?? 0, samples: p?.samples ?? 0, peakPerMinute: p?.peakPerMinute ?? 0 };
    });
    return { agents, stats: s.stats() };
  });
  app.get<{ Params: { agent: string } }>(
    '/v1/profiles/:agent',
    { config: { perm: 'read' }, schema: { params: { type: 'object', properties: { agent: { type: 'string', minLength: 1, maxLength: 256 } } } } },
    async (req) => {
      const p = session().profile(req.params.agent, 50);
      if (!p) throw new HttpError(404, 'not_found', `no profile for agent '${req.params.agent}'`);
      return p;
    },
  );
}
