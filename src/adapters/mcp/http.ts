// The MCP gateway mounted in `agentwall serve` (its /mcp route loads this
// module when present): the upstreams come from the gateway config named by
// $AGENTWALL_MCP_CONFIG (same format as `agentwall mcp --gateway`), pins live
// in the data dir. Without that variable there is no MCP endpoint (501).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Firewall } from '../../firewall.ts';
import { ensureDataDir } from '../../store/datadir.ts';
import { loadGatewayConfig } from './config.ts';
import { createGatewayHandler } from './gateway.ts';
import { McpGuard } from './guard.ts';
import { FilePinStore } from './pins.ts';
import './section.ts';

export type McpHttpHandler = ((req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<void>) & { close(): Promise<void> };

export async function createMcpHttpHandler(fw: Firewall, env: NodeJS.ProcessEnv = process.env): Promise<McpHttpHandler | undefined> {
  const file = env.AGENTWALL_MCP_CONFIG;
  if (!file) return undefined;
  const config = loadGatewayConfig(file);
  const log = (l: string) => process.stderr.write(`agentwall mcp: ${l}\n`);
  const guard = new McpGuard({ firewall: fw, pins: new FilePinStore(ensureDataDir(undefined, env)), onEvent: (e) => log(e.diff ? `${e.message}\n${e.diff}` : e.message) });
  const h = await createGatewayHandler({ guard, upstreams: config.upstreams, log });
  // close() stops the upstream servers and ends the sessions (the host server calls it on shutdown).
  return Object.assign((req: IncomingMessage, res: ServerResponse, body: unknown) => h.handle(req, res, body ?? undefined), { close: () => h.close() });
}
