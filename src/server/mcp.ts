// The MCP endpoint of the gateway: `agentwall serve --mcp gateway.yaml` starts
// the MCP gateway (src/adapters/mcp: named upstreams served as one Streamable
// HTTP endpoint, every tools/call decided by this gateway's firewall, tool
// contracts pinned in the data directory, asks answered through this
// gateway's approval queue) on a private loopback port, and /mcp forwards to
// it after the API key check. Forwarding keeps the MCP module's own server
// (sessions, SSE streams) untouched; the hop is loopback only.

import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { loadGatewayConfig } from '../adapters/mcp/config.ts';
import { startGateway, type Gateway as McpGateway } from '../adapters/mcp/gateway.ts';
import { McpGuard } from '../adapters/mcp/guard.ts';
import { FilePinStore } from '../adapters/mcp/pins.ts';
import '../adapters/mcp/section.ts';
import type { Gateway } from './gateway.ts';

export interface McpMount {
  forward(req: IncomingMessage, res: ServerResponse, body: unknown, principal: string): void;
  upstreams: string[];
  close(): Promise<void>;
}

/** Hop-by-hop and auth headers are not forwarded: the MCP gateway sits behind our key check. */
const DROP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'authorization', 'x-api-key', 'cookie', 'upgrade', 'proxy-authorization', 'te', 'trailer']);

export async function mountMcp(gw: Gateway, configFile: string): Promise<McpMount> {
  const config = loadGatewayConfig(configFile);
  const guard = new McpGuard({
    firewall: gw.fw,
    pins: new FilePinStore(gw.store.dataDir),
    approver: gw.approver,
    onEvent: (e) => gw.feed.publish('mcp', { type: e.type, message: e.message }),
  });
  const inner: McpGateway = await startGateway({ guard, upstreams: config.upstreams, host: '127.0.0.1', port: 0, path: '/mcp', log: (l) => process.stderr.write(`agentwall: mcp: ${l}\n`) });
  return {
    upstreams: config.upstreams.map((u) => u.name),
    forward(req, res, body, principal) {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP.has(k)) headers[k] = v;
      headers['x-agentwall-principal'] = principal;
      const payload = body === undefined || body === null ? undefined : Buffer.from(JSON.stringify(body));
      if (payload) headers['content-length'] = String(payload.length);
      const up = request({ host: '127.0.0.1', port: inner.port, method: req.method, path: '/mcp', headers }, (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
      });
      up.on('error', (e) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'mcp_unavailable', message: `MCP gateway: ${e.message}` } }));
      });
      res.on('close', () => up.destroy());
      up.end(payload);
    },
    close: () => inner.close(),
  };
}
