// /mcp: the MCP gateway's Streamable HTTP endpoint (agents' MCP clients
// connect here; every tool call is decided by the firewall). Mounted when the
// build has the MCP gateway; otherwise it answers 501.

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { HttpError } from '../errors.ts';

export async function registerMcp(app: FastifyInstance, gw: Gateway): Promise<void> {
  const handler = gw.ext.mcp ? await gw.ext.mcp(gw.fw) : undefined;
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    config: { perm: 'decide' },
    handler: async (req, reply) => {
      if (!handler) throw new HttpError(501, 'not_implemented', 'this build has no MCP gateway');
      reply.hijack();
      await handler(req.raw, reply.raw, req.body);
    },
  });
}
