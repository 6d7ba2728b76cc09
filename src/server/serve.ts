// Starts a listening gateway: Gateway + app + listen, and the matching close.
// Shared by `agentwall serve`, `agentwall demo`, the benchmark and tests.

import type { FastifyInstance } from 'fastify';
import { Gateway, type GatewayOptions } from './gateway.ts';
import { buildApp, type AppOptions } from './app.ts';

export interface ServerOptions extends GatewayOptions, AppOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  gateway: Gateway;
  app: FastifyInstance;
  /** The bootstrap admin key when this start created it (print once), else undefined. */
  bootstrap?: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const gateway = await Gateway.create(opts);
  let app: FastifyInstance | undefined;
  try {
    const boot = gateway.keys.bootstrap();
    app = await buildApp(gateway, opts);
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ host, port: opts.port ?? 8787 });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8787);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const a = app;
    return {
      url,
      port,
      gateway,
      app,
      ...(boot ? { bootstrap: boot.token } : {}),
      close: async () => {
        gateway.feed.close();
        await a.close();
        await gateway.close();
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    await gateway.close();
    if ((e as { code?: string }).code === 'EADDRINUSE') throw new Error(`port ${opts.port} is already in use: pass --port <n> (or --port 0 for any free port), or stop the other process`);
    throw e;
  }
}
