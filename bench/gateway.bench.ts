// The gateway over HTTP on loopback: decisions/s and latency percentiles of
// POST /v1/decide measured by autocannon in this process against a gateway in
// a child process running the built package (the default policy, batch audit
// durability, session layer on), its CPU time per decision, and its RSS after
// 1,000,000 decisions across 10,000 sessions (--quick: 100,000). Targets:
// >= 10,000 decisions/s with p99 <= 10 ms on 2 cores; RSS <= 200 MB.
//
//   npm run bench -- gateway            (full: the 1M-decision run takes minutes)
//   npm run bench -- gateway --quick

import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import type { BenchOptions, BenchSection, BenchRow } from './lib.ts';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface Hist {
  average: number;
  mean: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  latency: Hist;
  requests: Hist & { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/** Tool calls (the common case for SDK-wrapped agents): the engine's indexed fast path. */
const TOOLS: Array<Record<string, unknown>> = [
  { kind: 'tool', tool: 'search_docs', args: { query: 'retry policy' } },
  { kind: 'tool', tool: 'send_email', args: { to: 'a@example.com', subject: 'hi' } },
  { kind: 'tool', tool: 'get_weather', args: { city: 'Paris' } },
  { kind: 'tool', tool: 'create_ticket', args: { title: 'bug', priority: 2 } },
];

/** A coding agent's mix: shell lines (parsed), file reads and writes (paths resolved against the disk), http; some denied. */
const CODING: Array<Record<string, unknown>> = [
  { kind: 'file.read', args: { path: 'src/index.ts' } },
  { kind: 'shell', args: { command: 'npm test' } },
  { kind: 'shell', args: { command: 'git status --short' } },
  { kind: 'file.read', args: { path: '.env' } },
  { kind: 'shell', args: { command: 'rm -rf /' } },
  { kind: 'http', args: { url: 'https://registry.npmjs.org/fastify' } },
  { kind: 'file.write', args: { path: 'src/util.ts', content: 'export const x = 1;\n' } },
  { kind: 'shell', args: { command: 'ls -la src' } },
];

/**
 * The Node flags `npm start` runs the gateway with (package.json scripts.start), so the
 * benchmark measures the process as it is run (single-threaded GC, a small
 * young generation and compacting full GCs keep resident memory low).
 */
const START_FLAGS: string[] = ((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.match(/^node((?:\s+--\S+)*)/)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

/** The child runs the built package (as `npm start` does); build it so the numbers are for the current source. */
function build(): void {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (!existsSync(join(root, 'dist', 'src', 'server', 'serve.js'))) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

async function startChild(policy: string, sessions = true): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = fork(join(here, 'gateway-server.mjs'), [policy, sessions ? 'sessions' : 'nosessions'], { execArgv: ['--expose-gc', ...START_FLAGS], stdio: ['ignore', 'pipe', 'inherit', 'ipc'], cwd: root });
  let buf = '';
  child.stdout!.setEncoding('utf8');
  for await (const chunk of child.stdout!) {
    buf += chunk as string;
    const nl = buf.indexOf('\n');
    if (nl !== -1) {
      const { url, token } = JSON.parse(buf.slice(0, nl)) as { url: string; token: string };
      return { child, url, token };
    }
  }
  throw new Error('gateway child exited before listening');
}

function ask<T>(child: ChildProcess, msg: string): Promise<T> {
  const p = once(child, 'message') as Promise<[T]>;
  child.send(msg);
  return p.then(([m]) => m);
}

function run(url: string, token: string, opts: { duration?: number; amount?: number; connections: number; sessions: number; mix: Array<Record<string, unknown>>; batch?: number }): Promise<AutocannonResult> {
  let i = 0;
  const bodies = opts.mix.map((a) => JSON.stringify(a).slice(0, -1));
  const one = (n: number) => `${bodies[n % bodies.length]},"principal":{"id":"a${n % 100}"},"session":"s${n % opts.sessions}"}`;
  const batch = opts.batch ?? 0;
  return autocannon({
    url: `${url}/v1/decide`,
    method: 'POST',
    connections: opts.connections,
    pipelining: 1,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 10 }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          // Close each action object with a principal and a session: agents a0..a99, sessions s0..s(N-1).
          if (batch > 0) {
            const parts: string[] = [];
            for (let k = 0; k < batch; k++) parts.push(one(i++));
            req.body = `{"actions":[${parts.join(',')}]}`;
          } else req.body = one(i++);
          return req;
        },
      },
    ],
  });
}

function row(name: string, r: AutocannonResult, extra: BenchRow = {}, perRequest = 1): BenchRow {
  return {
    case: name,
    requests: r.requests.total,
    'decisions/s': Math.round((r.requests.total * perRequest) / r.duration),
    p50_ms: r.latency.p50,
    p90_ms: r.latency.p90,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx,
    ...extra,
  };
}

export default async function gatewayBench(opts: BenchOptions): Promise<BenchSection[]> {
  const policy = join(root, 'policies', 'coding-agent.yaml');
  const sections: BenchSection[] = [];
  build();
  const { child, url, token } = await startChild(policy);
  try {
    // Warm up: JIT, analyzer caches, SQLite page cache.
    await run(url, token, { duration: opts.quick ? 2 : 4, connections: 16, sessions: 100, mix: [...TOOLS, ...CODING] });
    const rows: BenchRow[] = [];
    const cases: Array<[string, Array<Record<string, unknown>>, number]> = [
      ['tool calls', TOOLS, 0],
      ['coding-agent mix', CODING, 0],
      ['tool calls, batches of 10', TOOLS, 10],
      ['coding-agent mix, batches of 10', CODING, 10],
    ];
    for (const [name, mix, batch] of cases) {
      for (const connections of opts.quick || batch ? [16] : [8, 16, 32]) {
        const cpu0 = (await ask<{ cpuUs: number }>(child, 'cpu')).cpuUs;
        const r = await run(url, token, { duration: opts.quick ? 5 : 10, connections, sessions: 1000, mix, batch });
        const cpuUs = (await ask<{ cpuUs: number }>(child, 'cpu')).cpuUs - cpu0;
        const perDecision = cpuUs / Math.max(1, r.requests.total * (batch || 1));
        rows.push(row(`${name}, ${connections} connections`, r, { server_cpu_us_per_decision: Math.round(perDecision), 'decisions/s per server core': Math.round(1e6 / perDecision) }, batch || 1));
      }
    }
    sections.push({
      name: 'Gateway: decisions over HTTP (autocannon, loopback, gateway in a child process)',
      rows,
      notes: [
        `Target: >= 10,000 decisions/s with p99 <= 10 ms. Machine: ${cpus().length} CPUs (load average ${loadavg()[0]!.toFixed(1)} at the end), shared with the load generator (autocannon runs in the benchmark process); latencies are autocannon's (ms resolution).`,
        'server_cpu_us_per_decision is the gateway process\'s CPU time (user + system) divided by the decisions it answered; "decisions/s per server core" = 1e6 / that: the throughput one dedicated core sustains, independent of what else runs on the machine.',
        'Batches: POST /v1/decide with { actions: [10 actions] }; latencies are per request (10 decisions). Policy: policies/coding-agent.yaml. Every decision is audited (batch durability) and recorded in the session layer. Tool calls: four tools with small arguments; coding-agent mix: shell lines, file reads and writes (paths resolved on disk), http (some denied).',
      ],
    });
  } finally {
    await stopChild(child);
  }
  const total = opts.quick ? 100_000 : 1_000_000;
  const memRows: BenchRow[] = [];
  for (const sessions of [true, false]) {
    const c = await startChild(policy, sessions);
    try {
      await run(c.url, c.token, { duration: 2, connections: 16, sessions: 100, mix: [...TOOLS, ...CODING] });
      const base = await ask<{ rss: number }>(c.child, 'rss');
      const t0 = Date.now();
      const r = await run(c.url, c.token, { amount: total, connections: 16, sessions: 10_000, mix: [...TOOLS, ...CODING] });
      const mem = await ask<{ rss: number; rssBeforeGc: number; heapUsed: number; sessions?: Record<string, number> }>(c.child, 'rss');
      const mb = (x: number) => Math.round(x / 1024 / 1024);
      memRows.push({
        'session layer': sessions ? 'on' : 'off (--no-sessions)',
        decisions: r.requests.total,
        seconds: Math.round((Date.now() - t0) / 1000),
        'decisions/s': Math.round(r.requests.total / r.duration),
        p99_ms: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
        rss_start_mb: mb(base.rss),
        rss_mb: mb(mem.rss),
        rss_before_gc_mb: mb(mem.rssBeforeGc),
        heap_used_mb: mb(mem.heapUsed),
        sessions_kept: mem.sessions?.sessions ?? '-',
      });
    } finally {
      await stopChild(c.child);
    }
  }
  sections.push({
    name: `Gateway: memory after ${total.toLocaleString('en-US')} decisions across 10,000 sessions`,
    rows: memRows,
    notes: ['Target: RSS <= 200 MB. rss_start_mb after a 2 s warm-up, rss_mb after the run and a full GC in the gateway process (rss_before_gc_mb just before it). Mix: tool calls and the coding-agent mix, 100 agents.'],
  });
  return sections;
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.send('stop');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  child.kill();
}
