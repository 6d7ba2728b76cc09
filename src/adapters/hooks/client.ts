// The hook command a coding agent runs for each event: read the payload, get
// the answer, print it in the agent's protocol, exit with its code. Every path
// that does not produce a decision (bad arguments, unreadable stdin, a crash,
// the deadline) ends in the agent's blocking answer (fail closed per protocol).
//
// A Node process that loads the policy engine and the shell grammar costs more
// than the latency target, so by default the work happens in a local daemon
// (started on demand, one per policy set and data directory, owner-only Unix
// socket): this process then only loads the protocol modules. Without a daemon
// (`--no-daemon`, AGENTWALL_HOOK_DAEMON=0, or a daemon that does not come up in
// time) the same engine runs in-process.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPolicyPath } from '../../cli/paths.ts';
import { AGENT_NAMES, protocolFor } from './index.ts';
import { answer, readStdin } from './io.ts';
import type { HookProtocol, HookReply } from './protocol.ts';
import { hookDataDirLight } from './paths.ts';

export interface HookClientOptions {
  agent: string;
  policy?: string[];
  dataDir?: string;
  /** Overall deadline for an answer, ms. */
  timeoutMs?: number;
  daemon?: boolean;
  deferAllow?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REPLY = 4 * 1024 * 1024;

/** Parses `AGENT [--policy P]... [--data-dir D] [--timeout MS] [--no-daemon] [--defer-allow]` without a CLI library (start-up time). */
export function parseHookArgs(argv: string[]): HookClientOptions {
  const o: HookClientOptions = { agent: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a}: missing value`);
      return v;
    };
    if (a === '--policy' || a === '-p') (o.policy ??= []).push(value());
    else if (a === '--data-dir' || a === '-d') o.dataDir = value();
    else if (a === '--timeout') o.timeoutMs = Number(value());
    else if (a === '--no-daemon') o.daemon = false;
    else if (a === '--defer-allow') o.deferAllow = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!o.agent) o.agent = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (o.timeoutMs !== undefined && (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0)) throw new Error('--timeout: expected a positive number of milliseconds');
  return o;
}

/** Runs one hook call in this process and exits. */
export async function runHook(opts: HookClientOptions): Promise<void> {
  const protocol = protocolFor(opts.agent);
  if (!protocol) {
    // No protocol to speak: exit 2 is the blocking code of every supported agent.
    return answer({ stdout: '', stderr: `AgentWall: unknown agent '${opts.agent}' (known: ${AGENT_NAMES.join(', ')})\n`, exitCode: 2 });
  }
  let event: string | undefined;
  const failClosed = (reason: string) => answer(protocol.block(reason, event));
  process.on('uncaughtException', (e) => failClosed(`internal error: ${e.message}`));
  process.on('unhandledRejection', (e) => failClosed(`internal error: ${(e as Error)?.message ?? String(e)}`));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  setTimeout(() => failClosed(`no decision within ${timeoutMs} ms`), timeoutMs);

  const raw = await readStdin(undefined, timeoutMs).catch((e: Error) => e);
  if (raw instanceof Error) return failClosed(raw.message);
  event = /"hook_event_name"\s*:\s*"([A-Za-z]{1,40})"/.exec(raw)?.[1];

  const policy = (opts.policy?.length ? opts.policy : [defaultPolicyPath()]).map((p) => resolve(p));
  const dataDir = hookDataDirLight(opts.dataDir);
  const useDaemon = opts.daemon !== false && process.env.AGENTWALL_HOOK_DAEMON !== '0';
  let reply: HookReply | undefined;
  if (useDaemon) reply = await viaDaemon({ agent: opts.agent, raw, deferAllow: opts.deferAllow }, policy, dataDir, deadline).catch(() => undefined);
  reply ??= await inProcess(protocol, opts.agent, raw, policy, dataDir, opts.deferAllow);
  answer(reply);
}

async function inProcess(protocol: HookProtocol, agent: string, raw: string, policy: string[], dataDir: string, deferAllow?: boolean): Promise<HookReply> {
  let event: string | undefined;
  try {
    event = (JSON.parse(raw) as { hook_event_name?: string }).hook_event_name;
  } catch {
    /* the engine reports malformed input in the protocol's shape */
  }
  try {
    const { createHookEngine } = await import('./runner.ts');
    const engine = await createHookEngine({ policy, dataDir });
    try {
      return await engine.handle(agent, raw, { deferAllow });
    } finally {
      engine.close();
    }
  } catch (e) {
    return protocol.block(`cannot load the firewall: ${(e as Error).message}`, typeof event === 'string' ? event : undefined);
  }
}

// ---- daemon client ----

interface DaemonRequest {
  agent: string;
  raw: string;
  deferAllow?: boolean;
}

/** The daemon script next to this file (daemon.js when built, daemon.ts under tsx). */
export function daemonScript(): string {
  const here = fileURLToPath(import.meta.url);
  return here.replace(/client\.(ts|js)$/, 'daemon.$1');
}

/** Socket of the daemon for this policy set and data directory (a rebuilt daemon gets a new one). */
export function socketPath(policy: string[], dataDir: string): string {
  let version = '';
  try {
    version = String(statSync(daemonScript()).mtimeMs);
  } catch {
    /* no daemon script: the connection will fail and the call runs in-process */
  }
  const key = createHash('sha256').update(JSON.stringify({ policy, dataDir, version })).digest('hex').slice(0, 16);
  const inData = join(dataDir, 'run', `hookd-${key}.sock`);
  // Unix socket paths are limited to about 100 bytes.
  if (inData.length < 100) return inData;
  return join(tmpdir(), `agentwall-${process.getuid?.() ?? 'u'}`, `hookd-${key}.sock`);
}

/**
 * The daemon's answers are trusted, so its socket directory must be ours and
 * closed to others: a directory someone else created (say in a shared /tmp)
 * could hold a socket that answers "allow" to everything.
 */
function privateDir(dir: string): boolean {
  try {
    const st = statSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

async function viaDaemon(req: DaemonRequest, policy: string[], dataDir: string, deadline: number): Promise<HookReply | undefined> {
  const sock = socketPath(policy, dataDir);
  const dir = dirname(sock);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  if (!privateDir(dir)) return undefined;
  const first = await ask(sock, req, deadline).catch((e: NodeJS.ErrnoException) => e);
  if (!(first instanceof Error)) return first;
  if (first.code !== 'ENOENT' && first.code !== 'ECONNREFUSED') return undefined;
  startDaemon(sock, policy, dataDir);
  // Leave time for the in-process fallback when the daemon does not come up.
  const waitUntil = Math.min(deadline - 1_500, Date.now() + 3_000);
  while (Date.now() < waitUntil) {
    await new Promise((r) => setTimeout(r, 25));
    const r = await ask(sock, req, deadline).catch((e: NodeJS.ErrnoException) => e);
    if (!(r instanceof Error)) return r;
    if (r.code !== 'ENOENT' && r.code !== 'ECONNREFUSED') return undefined;
  }
  return undefined;
}

function ask(sock: string, req: DaemonRequest, deadline: number): Promise<HookReply> {
  return new Promise((resolvePromise, reject) => {
    const c = connect(sock);
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      c.destroy();
      reject(Object.assign(new Error('daemon did not answer in time'), { code: 'ETIMEDOUT' }));
    }, Math.max(1, deadline - Date.now() - 200));
    c.on('connect', () => c.end(`${JSON.stringify(req)}\n`));
    c.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REPLY) c.destroy(new Error('daemon reply too large'));
      else chunks.push(b);
    });
    c.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    c.on('close', () => {
      clearTimeout(timer);
      try {
        const r = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookReply;
        if (typeof r.stdout !== 'string' || typeof r.exitCode !== 'number') throw new Error('bad reply');
        resolvePromise(r);
      } catch {
        reject(Object.assign(new Error('daemon closed without a valid reply'), { code: 'EBADREPLY' }));
      }
    });
  });
}

function startDaemon(sock: string, policy: string[], dataDir: string): void {
  // One starter at a time: a lock file younger than 10 s means a daemon is on its way.
  const lock = `${sock}.lock`;
  try {
    const age = Date.now() - statSync(lock).mtimeMs;
    if (age < 10_000) return;
    unlinkSync(lock);
  } catch {
    /* no lock yet */
  }
  try {
    closeSync(openSync(lock, 'wx', 0o600));
  } catch {
    return;
  }
  const script = daemonScript();
  // Under tsx (tests, development) the daemon needs the same loader, resolved from here, not from its cwd.
  const execArgv = script.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const args = [...execArgv, script, '--socket', sock, '--data-dir', dataDir, ...policy.flatMap((p) => ['--policy', p])];
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore', cwd: dataDir });
  child.unref();
}
