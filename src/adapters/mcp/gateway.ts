// The HTTP gateway: several named upstreams served as one Streamable HTTP
// MCP endpoint. Tools are namespaced `<server>__<tool>`, prompts likewise;
// resources keep their URIs and are routed to the server that listed them.
// Each client session gets its own SDK Server; upstream connections are
// shared. Every tools/call is decided by the guard before it reaches an
// upstream; responses are scanned on the way back. Bounded: request body size,
// number of sessions, idle sessions are closed.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  ListToolsRequestSchema,
  ListResourcesRequestSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesRequestSchema,
  ListResourceTemplatesResultSchema,
  ReadResourceRequestSchema,
  ReadResourceResultSchema,
  ListPromptsRequestSchema,
  ListPromptsResultSchema,
  GetPromptRequestSchema,
  GetPromptResultSchema,
  McpError,
  ErrorCode,
  isInitializeRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamConfig } from './config.ts';
import { blockedResult, denialText, type McpGuard } from './guard.ts';
import { Upstream } from './upstream.ts';
import { TOOL_SEPARATOR } from './translate.ts';
import { RPC } from './errors.ts';

export interface GatewayOptions {
  guard: McpGuard;
  upstreams: UpstreamConfig[];
  host?: string;
  port?: number;
  path?: string;
  log?: (line: string) => void;
  maxSessions?: number;
  /** Sessions without a request for this long are closed. */
  sessionIdleMs?: number;
  /** Answer POSTs with plain JSON instead of an SSE stream (faster; progress notifications then go to the session's GET stream). */
  jsonResponse?: boolean;
}

export interface Gateway {
  /** host:port actually bound. */
  address: string;
  port: number;
  path: string;
  sessions(): number;
  close(): Promise<void>;
}

interface Session {
  server: Server;
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
}

const MAX_URIS = 100_000;

/** The gateway as a request handler, for mounting in another HTTP server (agentwall serve). */
export interface GatewayHandler {
  /** Handles one request to the MCP endpoint; `body` when the host server already parsed it. */
  handle(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void>;
  sessions(): number;
  close(): Promise<void>;
}

export async function createGatewayHandler(o: Omit<GatewayOptions, 'host' | 'port'>): Promise<GatewayHandler> {
  const guard = o.guard;
  const log = o.log ?? ((l: string) => process.stderr.write(`agentwall mcp: ${l}\n`));
  const maxSessions = o.maxSessions ?? 1000;
  const idleMs = o.sessionIdleMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();
  const broadcast = (what: 'tools' | 'resources' | 'prompts') => {
    for (const s of sessions.values()) {
      const send = what === 'tools' ? s.server.sendToolListChanged() : what === 'resources' ? s.server.sendResourceListChanged() : s.server.sendPromptListChanged();
      void send.catch(() => {});
    }
  };
  const upstreams = new Map<string, Upstream>();
  for (const c of o.upstreams) upstreams.set(c.name, new Upstream(c, guard, { onListChanged: broadcast, log }));
  const unsubscribe = guard.onVisibilityChange((srv) => {
    upstreams.get(srv)?.invalidate();
    broadcast('tools');
  });
  // Connect eagerly so the first client does not pay for it; a server that is down is retried on demand.
  await Promise.all([...upstreams.values()].map((u) => u.get().then(() => u.listTools()).catch((e: Error) => log(e.message))));

  /** URI -> upstream that listed it, for resources/read. */
  const owners = new Map<string, string>();

  function newServer(sessionRef: { id?: string }): Server {
    const server = new Server({ name: 'agentwall-gateway', version: '0.1.0' }, { capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true } } });

    server.setRequestHandler(ListToolsRequestSchema, async () => {
      const tools: Record<string, unknown>[] = [];
      for (const u of upstreams.values()) {
        try {
          for (const t of await u.listTools(true)) tools.push({ ...t, name: `${u.name}${TOOL_SEPARATOR}${String(t.name)}` });
        } catch (e) {
          log((e as Error).message);
        }
      }
      return { tools } as never;
    });

    server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
      const full = req.params.name;
      const i = full.indexOf(TOOL_SEPARATOR);
      const srv = i > 0 ? full.slice(0, i) : '';
      const tool = i > 0 ? full.slice(i + TOOL_SEPARATOR.length) : full;
      const up = upstreams.get(srv);
      if (!up) return blockedResult(`AgentWall: unknown tool '${full}' (tools are named <server>${TOOL_SEPARATOR}<tool>; servers: ${[...upstreams.keys()].join(', ')})`) as never;
      try {
        if (guard.needsList(srv)) await up.listTools();
      } catch (e) {
        return blockedResult(`AgentWall could not verify the tools of ${srv} before calling ${tool}: ${(e as Error).message}`) as never;
      }
      const { decision } = await guard.authorizeCall(srv, tool, req.params.arguments, { session: sessionRef.id });
      if (decision.effect !== 'allow') return blockedResult(denialText(srv, tool, decision), decision) as never;
      if (extra.signal.aborted) throw new McpError(ErrorCode.InvalidRequest, 'cancelled by the client');
      const client = await up.get().catch((e: Error) => {
        throw new McpError(RPC.upstreamClosed, `AgentWall: ${e.message}`);
      });
      const token = req.params._meta?.progressToken;
      const result = await client
        .request({ method: 'tools/call', params: { name: tool, ...(req.params.arguments ? { arguments: req.params.arguments } : {}) } }, CallToolResultSchema, {
          signal: extra.signal,
          timeout: guard.settings().callTimeoutMs,
          ...(token !== undefined ? { onprogress: (p) => void extra.sendNotification({ method: 'notifications/progress', params: { ...p, progressToken: token } }).catch(() => {}) } : {}),
        })
        .catch((e: Error) => {
          throw upstreamError(srv, 'tools/call', e, guard.settings().callTimeoutMs);
        });
      return (await guard.toolResult(srv, tool, result as Record<string, unknown>)) as never;
    });

    server.setRequestHandler(ListResourcesRequestSchema, async () => {
      const resources: Record<string, unknown>[] = [];
      for (const u of upstreams.values()) {
        const r = await fromEach(u, 'resources', (c) => c.request({ method: 'resources/list', params: {} }, ListResourcesResultSchema, { timeout: guard.settings().callTimeoutMs }));
        for (const res of r?.resources ?? []) {
          if (owners.size < MAX_URIS && !owners.has(res.uri)) owners.set(res.uri, u.name);
          resources.push(res);
        }
      }
      return { resources } as never;
    });

    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => {
      const resourceTemplates: Record<string, unknown>[] = [];
      for (const u of upstreams.values()) {
        const r = await fromEach(u, 'resources', (c) => c.request({ method: 'resources/templates/list', params: {} }, ListResourceTemplatesResultSchema, { timeout: guard.settings().callTimeoutMs }));
        resourceTemplates.push(...(r?.resourceTemplates ?? []));
      }
      return { resourceTemplates } as never;
    });

    server.setRequestHandler(ReadResourceRequestSchema, async (req, extra) => {
      const uri = req.params.uri;
      const owner = owners.get(uri) ?? (upstreams.size === 1 ? [...upstreams.keys()][0] : undefined);
      const up = owner ? upstreams.get(owner) : undefined;
      if (!up) throw new McpError(ErrorCode.InvalidParams, `AgentWall: no upstream listed resource ${uri} (list resources first)`);
      const client = await up.get().catch((e: Error) => {
        throw new McpError(RPC.upstreamClosed, `AgentWall: ${e.message}`);
      });
      const r = await client.request({ method: 'resources/read', params: { uri } }, ReadResourceResultSchema, { signal: extra.signal, timeout: guard.settings().callTimeoutMs }).catch((e: Error) => {
        throw upstreamError(up.name, 'resources/read', e, guard.settings().callTimeoutMs);
      });
      const s = await guard.resourceResult(up.name, uri, r as Record<string, unknown>);
      if (!s.ok) throw new McpError(RPC.withheld, `AgentWall withheld resource ${uri}: ${s.reason}`);
      return s.value as never;
    });

    server.setRequestHandler(ListPromptsRequestSchema, async () => {
      const prompts: Record<string, unknown>[] = [];
      for (const u of upstreams.values()) {
        const r = await fromEach(u, 'prompts', (c) => c.request({ method: 'prompts/list', params: {} }, ListPromptsResultSchema, { timeout: guard.settings().callTimeoutMs }));
        for (const p of r?.prompts ?? []) prompts.push({ ...p, name: `${u.name}${TOOL_SEPARATOR}${p.name}` });
      }
      return { prompts } as never;
    });

    server.setRequestHandler(GetPromptRequestSchema, async (req, extra) => {
      const full = req.params.name;
      const i = full.indexOf(TOOL_SEPARATOR);
      const up = i > 0 ? upstreams.get(full.slice(0, i)) : undefined;
      if (!up) throw new McpError(ErrorCode.InvalidParams, `AgentWall: unknown prompt '${full}' (prompts are named <server>${TOOL_SEPARATOR}<prompt>)`);
      const name = full.slice(i + TOOL_SEPARATOR.length);
      const client = await up.get().catch((e: Error) => {
        throw new McpError(RPC.upstreamClosed, `AgentWall: ${e.message}`);
      });
      const r = await client.request({ method: 'prompts/get', params: { name, ...(req.params.arguments ? { arguments: req.params.arguments } : {}) } }, GetPromptResultSchema, { signal: extra.signal, timeout: guard.settings().callTimeoutMs }).catch((e: Error) => {
        throw upstreamError(up.name, 'prompts/get', e, guard.settings().callTimeoutMs);
      });
      const s = await guard.promptResult(up.name, name, r as Record<string, unknown>);
      if (!s.ok) throw new McpError(RPC.withheld, `AgentWall withheld prompt ${full}: ${s.reason}`);
      return s.value as never;
    });
    return server;
  }

  async function fromEach<T>(u: Upstream, cap: 'resources' | 'prompts', fn: (c: Awaited<ReturnType<Upstream['get']>>) => Promise<T>): Promise<T | undefined> {
    try {
      const c = await u.get();
      if (!u.capabilities?.[cap]) return undefined;
      return await fn(c);
    } catch (e) {
      log(`upstream ${u.name}: ${cap}: ${(e as Error).message}`);
      return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, parsed?: unknown): Promise<void> {
    const sid = req.headers['mcp-session-id'];
    const sessionId = typeof sid === 'string' ? sid : undefined;
    let body: unknown = parsed;
    if (req.method === 'POST' && parsed === undefined) {
      const limit = guard.settings().maxMessageBytes;
      const text = await readBody(req, limit);
      if (text === undefined) return reply(res, 413, null, RPC.tooLarge, `message larger than ${limit} bytes (mcp.limits.maxMessageBytes); not forwarded`);
      try {
        body = JSON.parse(text);
      } catch (e) {
        return reply(res, 400, null, RPC.parseError, `Parse error: ${(e as Error).message}`);
      }
      if (Array.isArray(body)) return reply(res, 400, null, RPC.invalidRequest, 'Invalid Request: JSON-RPC batches are not supported');
    }
    if (sessionId) {
      const s = sessions.get(sessionId);
      if (!s) return reply(res, 404, null, RPC.invalidRequest, 'unknown or expired session; initialize a new one');
      s.lastSeen = Date.now();
      return s.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) return reply(res, 400, null, RPC.invalidRequest, 'no session: send an initialize request first (without mcp-session-id)');
    if (sessions.size >= maxSessions) return reply(res, 503, null, RPC.busy, `too many sessions (${maxSessions}); retry later`);
    const ref: { id?: string } = {};
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: o.jsonResponse ?? false,
      onsessioninitialized: (id) => {
        ref.id = id;
        sessions.set(id, { server, transport, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (ref.id) sessions.delete(ref.id);
    };
    const server = newServer(ref);
    server.onerror = (e) => log(`session ${ref.id ?? '?'}: ${e.message}`);
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const sweeper = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [id, s] of sessions) {
      if (s.lastSeen < cutoff) {
        sessions.delete(id);
        void s.server.close().catch(() => {});
      }
    }
  }, Math.min(60_000, idleMs));
  sweeper.unref();

  return {
    handle: async (req, res, body) => {
      try {
        await handle(req, res, body);
      } catch (e) {
        log(`gateway: ${(e as Error).message}`);
        if (!res.headersSent) reply(res, 500, null, RPC.internal, `AgentWall gateway error: ${(e as Error).message}`);
        else res.end();
      }
    },
    sessions: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      unsubscribe();
      for (const s of sessions.values()) await s.server.close().catch(() => {});
      sessions.clear();
      await Promise.all([...upstreams.values()].map((u) => u.close()));
    },
  };
}

/** The gateway on its own HTTP server (agentwall mcp --gateway). */
export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const path = o.path ?? '/mcp';
  const h = await createGatewayHandler(o);
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== path) return reply(res, 404, null, RPC.invalidRequest, `not found: the MCP endpoint is ${path}`);
    void h.handle(req, res);
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = http.address() as AddressInfo;
  return {
    address: `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    port: addr.port,
    path,
    sessions: h.sessions,
    async close() {
      await h.close();
      await new Promise<void>((r) => {
        http.close(() => r());
        http.closeAllConnections();
      });
    },
  };
}

function upstreamError(server: string, method: string, e: Error, timeoutMs: number): McpError {
  if (e instanceof McpError) {
    if (e.code === ErrorCode.RequestTimeout) return new McpError(RPC.timeout, `AgentWall: upstream ${server} did not answer ${method} within ${timeoutMs / 1000}s (mcp.limits.callTimeout)`);
    if (e.code === ErrorCode.ConnectionClosed) return new McpError(RPC.upstreamClosed, `AgentWall: upstream ${server} closed the connection before answering ${method}`);
    return e;
  }
  return new McpError(RPC.upstreamClosed, `AgentWall: upstream ${server}: ${e.message}`);
}

function reply(res: ServerResponse, status: number, id: string | number | null, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }));
}

/** The request body, or undefined when it exceeds `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
