// The hook daemon: keeps the compiled policy, the analyzers and the session
// store warm, and answers hook calls from hook clients over an owner-only Unix
// socket (one JSON request line in, one JSON reply out). Started on demand by
// the client; exits after an idle period. The policy files are checked on
// every request and reloaded when they change; a policy that does not load
// makes every answer the agent's blocking answer until it is fixed.
//
//   node daemon.js --socket S --data-dir D --policy P [--policy P2] [--idle-ms N]

import { chmodSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { protocolFor } from './index.ts';
import type { HookReply } from './protocol.ts';
import { createHookEngine, type HookEngine } from './runner.ts';

const MAX_REQUEST = 9 * 1024 * 1024;

interface DaemonOptions {
  socket: string;
  dataDir: string;
  policy: string[];
  idleMs: number;
}

function parse(argv: string[]): DaemonOptions {
  const o: DaemonOptions = { socket: '', dataDir: '', policy: [], idleMs: Number(process.env.AGENTWALL_HOOKD_IDLE_MS ?? 15 * 60_000) };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1] ?? '';
    switch (argv[i]) {
      case '--socket': o.socket = v; i++; break;
      case '--data-dir': o.dataDir = v; i++; break;
      case '--policy': o.policy.push(v); i++; break;
      case '--idle-ms': o.idleMs = Number(v); i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!o.socket || !o.dataDir || o.policy.length === 0) throw new Error('usage: daemon --socket S --data-dir D --policy P');
  return o;
}

export async function runDaemon(o: DaemonOptions): Promise<void> {
  let engine: HookEngine | undefined;
  let loadError: string | undefined;
  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= createHookEngine({ policy: o.policy, dataDir: o.dataDir }).then(
      (e) => {
        engine = e;
        loadError = undefined;
      },
      (e: Error) => {
        loadError = e.message;
        loading = undefined;
      },
    ));
  await load();

  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(shutdown, o.idleMs);
  };

  async function handle(line: string): Promise<HookReply> {
    let req: { agent?: unknown; raw?: unknown; deferAllow?: unknown };
    try {
      req = JSON.parse(line) as typeof req;
    } catch {
      return { stdout: '', stderr: 'AgentWall: bad daemon request\n', exitCode: 2 };
    }
    const agent = typeof req.agent === 'string' ? req.agent : '';
    const protocol = protocolFor(agent);
    if (!protocol || typeof req.raw !== 'string') return { stdout: '', stderr: `AgentWall: bad daemon request for agent '${agent}'\n`, exitCode: 2 };
    const event = /"hook_event_name"\s*:\s*"([A-Za-z]{1,40})"/.exec(req.raw)?.[1];
    if (!engine) await load();
    if (!engine) return protocol.block(`cannot load the firewall: ${loadError ?? 'unknown error'}`, event);
    try {
      engine.refresh();
    } catch (e) {
      return protocol.block(`the policy does not load: ${(e as Error).message}`, event);
    }
    return engine.handle(agent, req.raw, { deferAllow: req.deferAllow === true });
  }

  // Half-open: the client ends its side after the request; the reply still has to go out.
  const server = createServer({ allowHalfOpen: true }, (c: Socket) => {
    touch();
    const chunks: Buffer[] = [];
    let size = 0;
    c.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REQUEST) c.destroy();
      else chunks.push(b);
    });
    c.on('end', () => {
      handle(Buffer.concat(chunks).toString('utf8').trim()).then(
        (r) => c.end(JSON.stringify(r)),
        (e: Error) => c.end(JSON.stringify({ stdout: '', stderr: `AgentWall: internal error: ${e.message}\n`, exitCode: 2 })),
      );
    });
    c.on('error', () => c.destroy());
  });

  function shutdown(): void {
    server.close();
    for (const f of [o.socket, `${o.socket}.pid`]) {
      try {
        unlinkSync(f);
      } catch {
        /* already gone */
      }
    }
    engine?.close();
    process.exit(0);
  }

  mkdirSync(dirname(o.socket), { recursive: true, mode: 0o700 });
  await listen(server, o.socket);
  chmodSync(o.socket, 0o600);
  writeFileSync(`${o.socket}.pid`, `${process.pid}\n`, { mode: 0o600 });
  try {
    unlinkSync(`${o.socket}.lock`);
  } catch {
    /* the starter's lock may be gone already */
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  touch();
}

/** Listens on the socket; a stale socket file (no daemon behind it) is replaced, a live daemon makes this one exit. */
async function listen(server: ReturnType<typeof createServer>, sock: string): Promise<void> {
  const attempt = () =>
    new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(sock, () => {
        server.off('error', rej);
        res();
      });
    });
  try {
    await attempt();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    const alive = await new Promise<boolean>((res) => {
      const c = connect(sock);
      c.on('connect', () => {
        c.destroy();
        res(true);
      });
      c.on('error', () => res(false));
    });
    if (alive) process.exit(0);
    unlinkSync(sock);
    await attempt();
  }
}

if (process.argv[1] && /daemon\.(ts|js)$/.test(process.argv[1])) {
  runDaemon(parse(process.argv.slice(2))).catch((e: Error) => {
    process.stderr.write(`agentwall hook daemon: ${e.message}\n`);
    process.exit(1);
  });
}
