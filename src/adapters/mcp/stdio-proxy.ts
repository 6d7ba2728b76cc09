// `agentwall mcp -- <server command>`: the stdio proxy an MCP client launches
// in place of the server. A JSON-RPC relay between the client (our stdin and
// stdout) and one upstream server; it forwards everything unchanged except:
// - tools/call is decided first (guard.authorizeCall) and only an allowed call
//   is forwarded; a denied one gets a tool error result with the reasons;
// - tools/list responses lose the withheld tools (contract pinning);
// - tools/call, resources/read and prompts/get responses are scanned;
// - client request ids are renumbered, so the proxy's own requests (listing
//   tools before a call it has not seen) never collide with the client's.
// Bounds: message size both ways, requests in flight, time to answer, and
// notifications buffered toward a slow client (dropped beyond, with a count).

import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { LineReader, serialize } from './framing.ts';
import { RPC, rpcError, type RpcId } from './errors.ts';
import { blockedResult, denialText, type McpGuard } from './guard.ts';

export interface StdioProxyOptions {
  guard: McpGuard;
  /** The upstream's name in actions (`<server>__<tool>`) and pins. */
  server: string;
  upstream: Transport;
  /**
   * Makes a fresh upstream after a crash. The proxy then restarts the server
   * on the next request (at most once per `restartBackoffMs`) and replays the
   * client's initialize, so the client does not have to reconnect.
   */
  restart?: () => Transport;
  restartBackoffMs?: number;
  input: Readable;
  output: Writable;
  log?: (line: string) => void;
  /** Notifications are dropped while more than this many bytes wait to be written to the client. */
  maxOutputBuffer?: number;
}

interface Pending {
  clientId?: RpcId;
  method: string;
  params: Record<string, unknown> | undefined;
  timer: NodeJS.Timeout;
  /** The client's progress token: progress from the server restarts the timeout. */
  token?: string;
  internal?: { resolve: (r: unknown) => void; reject: (e: Error) => void };
}

const key = (id: unknown) => `${typeof id}:${String(id)}`;

export class StdioProxy {
  private readonly g: McpGuard;
  private up: Transport;
  private readonly reader: LineReader;
  private readonly pending = new Map<number, Pending>();
  /** client id -> upstream id, for cancellation. */
  private readonly upstreamIdOf = new Map<string, number>();
  /** progress token -> upstream id, so a long call that reports progress does not time out. */
  private readonly progressOf = new Map<string, number>();
  /** tools/call requests being decided: client id -> cancelled? */
  private readonly deciding = new Map<string, { cancelled: boolean }>();
  private nextId = 1;
  private upstreamOpen = false;
  /** The client's initialize params and whether it said initialized, replayed on a restart. */
  private initParams: Record<string, unknown> | undefined;
  private initialized = false;
  private closedAt = 0;
  private reviving: Promise<void> | undefined;
  private upstreamWhy = '';
  private listing: Promise<void> | undefined;
  private dropped = 0;
  private readonly log: (line: string) => void;
  private resolveDone!: () => void;
  /** Resolves when the client closed its end and the upstream was shut down. */
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(private readonly o: StdioProxyOptions) {
    this.g = o.guard;
    this.up = o.upstream;
    this.reader = new LineReader(this.g.settings().maxMessageBytes);
    this.log = o.log ?? ((l) => process.stderr.write(`agentwall mcp: ${l}\n`));
  }

  private wire(up: Transport): void {
    up.onmessage = (m) => {
      if (this.up === up) this.fromUpstream(m);
    };
    up.onerror = (e) => this.log(`upstream ${this.o.server}: ${e.message}`);
    up.onclose = () => {
      if (this.up === up) this.upstreamClosed();
    };
  }

  private canRevive(): boolean {
    return !this.upstreamOpen && !this.shuttingDown && !!this.o.restart && this.initParams !== undefined && Date.now() - this.closedAt >= (this.o.restartBackoffMs ?? 2000);
  }

  /** Restarts a crashed upstream and replays the client's initialize; shared by concurrent requests. */
  private revive(replay = true): Promise<void> {
    this.reviving ??= (async () => {
      this.closedAt = Date.now();
      const up = this.o.restart!();
      this.up = up;
      this.wire(up);
      this.log(`restarting upstream ${this.o.server}`);
      try {
        await up.start();
        this.upstreamOpen = true;
        if (replay) await this.request('initialize', this.initParams);
        if (replay && this.initialized) this.sendUp({ jsonrpc: '2.0', method: 'notifications/initialized' });
        this.g.markStale(this.o.server);
      } catch (e) {
        this.upstreamOpen = false;
        this.upstreamWhy = `upstream server ${this.o.server} could not be restarted: ${(e as Error).message}`;
        this.log(this.upstreamWhy);
        await up.close().catch(() => {});
      }
    })().finally(() => (this.reviving = undefined));
    return this.reviving;
  }

  async start(): Promise<void> {
    this.wire(this.up);
    this.g.onVisibilityChange((srv) => {
      if (srv === this.o.server) this.toClient({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    });
    try {
      await this.up.start();
      this.upstreamOpen = true;
    } catch (e) {
      this.upstreamWhy = (e as Error).message;
      this.log(`cannot start upstream ${this.o.server}: ${this.upstreamWhy}`);
    }
    this.o.input.on('data', (chunk: Buffer) => {
      for (const f of this.reader.push(chunk)) {
        if (f.type === 'message') this.fromClient(f.message);
        else if (f.type === 'invalid') this.toClient(rpcError(f.id ?? null, f.code, f.error));
        else this.toClient(rpcError(f.id ?? null, RPC.tooLarge, `message of ${f.bytes}+ bytes exceeds the limit of ${this.g.settings().maxMessageBytes} bytes (mcp.limits.maxMessageBytes); not forwarded`));
      }
    });
    this.o.input.once('end', () => void this.shutdown());
    this.o.input.once('close', () => void this.shutdown());
  }

  private shuttingDown = false;
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.internal?.reject(new Error('proxy shutting down'));
      this.pending.delete(id);
    }
    try {
      await this.up.close();
    } catch {
      /* already gone */
    }
    this.resolveDone();
  }

  // ---- client -> upstream -------------------------------------------------

  private fromClient(m: JSONRPCMessage): void {
    if ('method' in m && 'id' in m) {
      const req = m as JSONRPCRequest;
      if (this.pending.size + this.deciding.size >= this.g.settings().maxPending) {
        this.toClient(rpcError(req.id, RPC.busy, `too many requests in flight (mcp.limits.maxPending = ${this.g.settings().maxPending}); retry later`));
        return;
      }
      if (req.method === 'initialize' && req.params) this.initParams = req.params as Record<string, unknown>;
      const go = () => (req.method === 'tools/call' ? void this.call(req) : this.forward(req));
      // The client's own initialize is not replayed on top of itself.
      if (this.reviving || this.canRevive()) void this.revive(req.method !== 'initialize').then(go);
      else go();
    } else if ('method' in m) {
      if (m.method === 'notifications/cancelled') {
        const rid = (m.params as { requestId?: unknown } | undefined)?.requestId;
        const d = this.deciding.get(key(rid));
        if (d) {
          d.cancelled = true;
          return;
        }
        const upId = this.upstreamIdOf.get(key(rid));
        if (upId === undefined) return;
        this.sendUp({ ...m, params: { ...m.params, requestId: upId } });
        return;
      }
      if (m.method === 'notifications/initialized') this.initialized = true;
      this.sendUp(m);
    } else {
      // A response to a request the server sent the client (sampling, roots, elicitation): ids are the server's own.
      this.sendUp(m);
    }
  }

  private async call(req: JSONRPCRequest): Promise<void> {
    const k = key(req.id);
    const state = { cancelled: false };
    this.deciding.set(k, state);
    try {
      const params = req.params as { name?: unknown; arguments?: unknown } | undefined;
      if (typeof params?.name !== 'string') {
        this.toClient(rpcError(req.id, RPC.invalidParams, 'tools/call: params.name must be a string'));
        return;
      }
      const tool = params.name;
      if (this.g.needsList(this.o.server)) {
        try {
          await this.listTools();
        } catch (e) {
          if (!state.cancelled) this.toClient({ jsonrpc: '2.0', id: req.id, result: blockedResult(`AgentWall could not verify the tools of ${this.o.server} before calling ${tool}: ${(e as Error).message}`) });
          return;
        }
      }
      const { decision } = await this.g.authorizeCall(this.o.server, tool, params.arguments);
      if (state.cancelled) return;
      if (decision.effect !== 'allow') {
        this.toClient({ jsonrpc: '2.0', id: req.id, result: blockedResult(denialText(this.o.server, tool, decision), decision) });
        return;
      }
      this.forward(req);
    } catch (e) {
      // Fail closed: whatever went wrong, the call is not forwarded.
      if (!state.cancelled) this.toClient({ jsonrpc: '2.0', id: req.id, result: blockedResult(`AgentWall: internal error while deciding: ${(e as Error).message}`) });
    } finally {
      this.deciding.delete(k);
    }
  }

  /** The proxy's own tools/list (all pages), so a call is never decided against tools it has not reviewed. */
  private listTools(): Promise<void> {
    this.listing ??= (async () => {
      try {
        const all: Record<string, unknown>[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++) {
          const r = (await this.request('tools/list', cursor ? { cursor } : undefined)) as { tools?: unknown; nextCursor?: unknown };
          if (!Array.isArray(r?.tools)) throw new Error('the server answered tools/list without a tools array');
          all.push(...(r.tools as Record<string, unknown>[]));
          cursor = typeof r.nextCursor === 'string' && r.nextCursor !== '' ? r.nextCursor : undefined;
          if (!cursor) break;
        }
        await this.g.reviewTools(this.o.server, all);
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  private request(method: string, params: Record<string, unknown> | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.upstreamOpen) return reject(new Error(this.closedReason()));
      const id = this.nextId++;
      const timer = this.timer(id, method);
      this.pending.set(id, { method, params, timer, internal: { resolve, reject } });
      this.sendUp({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    });
  }

  private forward(req: JSONRPCRequest): void {
    if (!this.upstreamOpen) {
      this.toClient(rpcError(req.id, RPC.upstreamClosed, this.closedReason()));
      return;
    }
    const id = this.nextId++;
    const pt = (req.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken;
    const token = pt === undefined ? undefined : key(pt);
    this.pending.set(id, { clientId: req.id, method: req.method, params: req.params as Record<string, unknown> | undefined, timer: this.timer(id, req.method), ...(token ? { token } : {}) });
    this.upstreamIdOf.set(key(req.id), id);
    if (token) this.progressOf.set(token, id);
    this.sendUp({ ...req, id });
  }

  private timer(id: number, method: string): NodeJS.Timeout {
    // A server may take a while to start (npx downloads, cold caches): initialize gets at least 30s.
    const ms = method === 'initialize' ? Math.max(30_000, this.g.settings().callTimeoutMs) : this.g.settings().callTimeoutMs;
    return setTimeout(() => {
      const p = this.pending.get(id);
      if (!p) return;
      this.settle(id, p);
      const msg = `AgentWall: upstream ${this.o.server} did not answer ${method} within ${ms / 1000}s (mcp.limits.callTimeout)`;
      if (p.internal) p.internal.reject(new Error(msg));
      else this.toClient(rpcError(p.clientId ?? null, RPC.timeout, msg));
      this.sendUp({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'timed out in AgentWall' } });
    }, ms);
  }

  private touch(token: unknown): void {
    const id = token === undefined ? undefined : this.progressOf.get(key(token));
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    p.timer = this.timer(id!, p.method);
  }

  private settle(id: number, p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (p.clientId !== undefined) this.upstreamIdOf.delete(key(p.clientId));
    if (p.token) this.progressOf.delete(p.token);
  }

  private sendUp(m: JSONRPCMessage): void {
    if (!this.upstreamOpen) return;
    this.up.send(m).catch((e: Error) => this.log(`cannot write to upstream ${this.o.server}: ${e.message}`));
  }

  // ---- upstream -> client -------------------------------------------------

  private fromUpstream(m: JSONRPCMessage): void {
    if ('method' in m) {
      if (!('id' in m)) {
        if (m.method === 'notifications/tools/list_changed') this.g.markStale(this.o.server);
        else if (m.method === 'notifications/progress') this.touch((m.params as { progressToken?: unknown } | undefined)?.progressToken);
        this.notify(m);
      } else this.toClient(m); // server -> client request
      return;
    }
    const id = (m as { id?: unknown }).id;
    const p = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!p) {
      this.log(`upstream ${this.o.server} answered an unknown request id ${JSON.stringify(id)}; dropped`);
      return;
    }
    this.settle(id as number, p);
    if ('error' in m) {
      if (p.internal) p.internal.reject(new Error(`upstream error ${m.error.code}: ${m.error.message}`));
      else this.toClient({ ...m, id: p.clientId ?? null } as JSONRPCMessage);
      return;
    }
    const result = (m as { result: Record<string, unknown> }).result;
    if (p.internal) {
      p.internal.resolve(result);
      return;
    }
    void this.answer(p, result).catch((e: Error) => {
      // Fail closed: a response we could not check is not passed on.
      this.toClient(rpcError(p.clientId ?? null, RPC.internal, `AgentWall could not check the response: ${e.message}`));
    });
  }

  private async answer(p: Pending, result: Record<string, unknown>): Promise<void> {
    const id = p.clientId ?? null;
    const srv = this.o.server;
    switch (p.method) {
      case 'initialize': {
        const caps = result.capabilities as Record<string, unknown> | undefined;
        // Approvals can make a withheld tool visible later; the client must be told to re-list.
        if (caps && caps.tools && typeof caps.tools === 'object') caps.tools = { ...(caps.tools as object), listChanged: true };
        break;
      }
      case 'tools/list': {
        if (!Array.isArray(result.tools)) {
          this.toClient(rpcError(id, RPC.internal, `AgentWall: upstream ${srv} answered tools/list without a tools array`));
          return;
        }
        const paged = typeof p.params?.cursor === 'string';
        const { visible } = await this.g.reviewTools(srv, result.tools as Record<string, unknown>[], { merge: paged });
        result = { ...result, tools: visible };
        break;
      }
      case 'tools/call':
        result = await this.g.toolResult(srv, String(p.params?.name), result);
        break;
      case 'resources/read': {
        const r = await this.g.resourceResult(srv, String(p.params?.uri), result);
        if (!r.ok) return this.toClient(rpcError(id, RPC.withheld, `AgentWall withheld resource ${String(p.params?.uri)}: ${r.reason}`));
        result = r.value;
        break;
      }
      case 'prompts/get': {
        const r = await this.g.promptResult(srv, String(p.params?.name), result);
        if (!r.ok) return this.toClient(rpcError(id, RPC.withheld, `AgentWall withheld prompt ${String(p.params?.name)}: ${r.reason}`));
        result = r.value;
        break;
      }
    }
    this.toClient({ jsonrpc: '2.0', id, result } as JSONRPCMessage);
  }

  private upstreamClosed(): void {
    this.upstreamOpen = false;
    this.closedAt = Date.now();
    const info = (this.up as { exitInfo?: string }).exitInfo;
    this.upstreamWhy = `upstream server ${this.o.server} ${info || 'closed its connection'}`;
    this.log(this.upstreamWhy);
    for (const [id, p] of this.pending) {
      this.settle(id, p);
      if (p.internal) p.internal.reject(new Error(this.upstreamWhy));
      else this.toClient(rpcError(p.clientId ?? null, RPC.upstreamClosed, `AgentWall: ${this.upstreamWhy} before answering ${p.method}`));
    }
  }

  private closedReason(): string {
    return `AgentWall: ${this.upstreamWhy || `upstream server ${this.o.server} is not running`}`;
  }

  private notify(m: JSONRPCMessage): void {
    const limit = this.o.maxOutputBuffer ?? 8 * 1024 * 1024;
    if (this.o.output.writableLength > limit) {
      if (this.dropped++ % 1000 === 0) this.log(`client is not reading; dropped ${this.dropped} notification(s) from ${this.o.server}`);
      return;
    }
    this.toClient(m);
  }

  private toClient(m: unknown): void {
    if (this.o.output.destroyed || this.o.output.writableEnded) return;
    this.o.output.write(serialize(m));
  }
}
