// /mcp: the MCP gateway's Streamable HTTP endpoint (agents' MCP clients
// connect here with an agent key; every tool call is decided by the
// firewall). Mounted when `serve --mcp <config>` names upstreams; otherwise 501.

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { HttpError } from '../errors.ts';

export async function registerMcp(app: FastifyInstance, gw: Gateway): Promise<void> {
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    bodyLimit: 4 * 1024 * 1024,
    config: { perm: 'decide' },
    handler: async (req, reply) => {
      const mount = gw.mcp;
      if (!mount) throw new HttpError(501, 'not_implemented', 'no MCP upstreams configured: start the gateway with --mcp <config.yaml>');
      reply.hijack();
      mount.forward(req.raw, reply.raw, req.body, req.caller!.name);
    },
  });
}
