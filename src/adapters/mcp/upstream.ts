// One named upstream of the HTTP gateway: an SDK Client over stdio (a child
// process, bounded framing) or Streamable HTTP, shared by every gateway
// session. It reconnects on demand after a crash (at most once per backoff
// period), keeps the reviewed tool list until the server says it changed, and
// turns transport failures into clear errors instead of hanging.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ListToolsResultSchema, ToolListChangedNotificationSchema, ResourceListChangedNotificationSchema, PromptListChangedNotificationSchema, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamConfig } from './config.ts';
import type { McpGuard } from './guard.ts';
import { StdioUpstream } from './stdio-upstream.ts';

const BACKOFF_MS = 2000;

export class Upstream {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private lastAttempt = 0;
  private lastError = '';
  private listing: Promise<Record<string, unknown>[]> | undefined;
  private tools: Record<string, unknown>[] | undefined;

  constructor(
    readonly config: UpstreamConfig,
    private readonly guard: McpGuard,
    private readonly hooks: { onListChanged: (what: 'tools' | 'resources' | 'prompts') => void; log: (line: string) => void },
  ) {}

  get name(): string {
    return this.config.name;
  }

  get capabilities(): ServerCapabilities | undefined {
    return this.client?.getServerCapabilities();
  }

  /** The connected client, connecting first if needed. Rejects with a clear reason while the server is down. */
  async get(): Promise<Client> {
    if (this.client) return this.client;
    if (this.connecting) return this.connecting;
    const since = Date.now() - this.lastAttempt;
    if (this.lastAttempt && since < BACKOFF_MS) throw new Error(`upstream ${this.name} is down (${this.lastError}); retrying in ${Math.ceil((BACKOFF_MS - since) / 1000)}s`);
    this.lastAttempt = Date.now();
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const s = this.guard.settings();
    const c = this.config;
    const transport: Transport =
      c.type === 'stdio'
        ? new StdioUpstream({ command: c.command, args: c.args, env: c.env, cwd: c.cwd, maxMessageBytes: s.maxMessageBytes })
        : new StreamableHTTPClientTransport(new URL(c.url), { requestInit: c.headers ? { headers: c.headers } : undefined });
    const client = new Client({ name: 'agentwall-gateway', version: '0.1.0' }, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.tools = undefined;
      this.guard.markStale(this.name);
      this.hooks.onListChanged('tools');
    });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, () => this.hooks.onListChanged('resources'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => this.hooks.onListChanged('prompts'));
    client.onclose = () => {
      if (this.client === client) {
        this.client = undefined;
        this.tools = undefined;
        this.guard.markStale(this.name);
        this.lastError = `${(transport as { exitInfo?: string }).exitInfo || 'connection closed'}`;
        this.hooks.log(`upstream ${this.name}: ${this.lastError}`);
      }
    };
    client.onerror = (e) => this.hooks.log(`upstream ${this.name}: ${e.message}`);
    try {
      await client.connect(transport, { timeout: s.callTimeoutMs });
    } catch (e) {
      this.lastError = (e as Error).message;
      await transport.close().catch(() => {});
      throw new Error(`upstream ${this.name} is not available: ${this.lastError}`);
    }
    this.client = client;
    this.lastError = '';
    return client;
  }

  /**
   * The tools clients may see, reviewed against the pins. `fresh` (a client's
   * tools/list) asks the server again, so a changed contract is caught even
   * without list_changed; calls reuse the last review. Concurrent callers share one listing.
   */
  async listTools(fresh = false): Promise<Record<string, unknown>[]> {
    if (!fresh && this.tools && !this.guard.needsList(this.name)) return this.tools;
    this.listing ??= (async () => {
      try {
        const client = await this.get();
        const all: Record<string, unknown>[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++) {
          const r = await client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, ListToolsResultSchema, { timeout: this.guard.settings().callTimeoutMs });
          all.push(...(r.tools as Record<string, unknown>[]));
          cursor = r.nextCursor || undefined;
          if (!cursor) break;
        }
        const { visible } = await this.guard.reviewTools(this.name, all);
        this.tools = visible;
        return visible;
      } finally {
        this.listing = undefined;
      }
    })();
    return this.listing;
  }

  /** Forgets the reviewed list (an approval changed what is visible). */
  invalidate(): void {
    this.tools = undefined;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.close().catch(() => {});
  }
}
