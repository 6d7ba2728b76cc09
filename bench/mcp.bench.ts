// MCP gateway latency: the added time per tools/call of the stdio proxy
// against a direct connection to the same server (the SDK Client over stdio
// both ways, sequential calls, p50/p99 per call), with and without response
// scanning; and 100 concurrent clients on the Streamable HTTP gateway.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createFirewall } from '../src/firewall.ts';
import { McpGuard } from '../src/adapters/mcp/guard.ts';
import { startGateway } from '../src/adapters/mcp/gateway.ts';
import type { BenchOptions, BenchSection, BenchRow } from './lib.ts';
import { round } from './lib.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = join(ROOT, 'test/mcp/fixtures/server.ts');
const CLI = join(ROOT, 'src/cli/main.ts');
const fixture = [process.execPath, '--import', 'tsx', FIXTURE];

function policy(scan: boolean): string {
  return `version: 1
default: deny
rules:
  - { id: fixture, effect: allow, when: { kind: mcp, args.server: fixture } }
mcp:
  responses: { scan: ${scan} }
`;
}

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function timeCalls(client: Client, n: number): Promise<number[]> {
  for (let i = 0; i < Math.min(200, n); i++) await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

async function stdioClient(command: string[]): Promise<Client> {
  const [cmd, ...args] = command as [string, ...string[]];
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StdioClientTransport({ command: cmd, args, cwd: ROOT, stderr: 'ignore' }));
  return c;
}

export default async function mcpBench(opts: BenchOptions): Promise<BenchSection[]> {
  const n = opts.quick ? 300 : 3000;
  const dir = mkdtempSync(join(tmpdir(), 'aw-mcp-bench-'));
  try {
    const rows: BenchRow[] = [];
    const series: Record<string, number[]> = {};
    const runs: Array<[string, string[]]> = [
      ['direct (SDK client -> server)', fixture],
      ['agentwall mcp, response scan off', [process.execPath, '--import', 'tsx', CLI, 'mcp', '-q', '--no-approvals', '--no-audit', '-d', join(dir, 'h1'), '-p', write(dir, 'off.yaml', policy(false)), '--name', 'fixture', '--', ...fixture]],
      ['agentwall mcp, response scan on', [process.execPath, '--import', 'tsx', CLI, 'mcp', '-q', '--no-approvals', '--no-audit', '-d', join(dir, 'h2'), '-p', write(dir, 'on.yaml', policy(true)), '--name', 'fixture', '--', ...fixture]],
      ['agentwall mcp, scan + audit log + approvals (defaults)', [process.execPath, '--import', 'tsx', CLI, 'mcp', '-q', '-d', join(dir, 'h3'), '-p', join(dir, 'on.yaml'), '--name', 'fixture', '--', ...fixture]],
    ];
    // Interleave rounds so background load on a shared machine hits every variant alike.
    const clients = await Promise.all(runs.map(([, cmd]) => stdioClient(cmd)));
    const rounds = 5;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < runs.length; i++) (series[runs[i]![0]] ??= []).push(...(await timeCalls(clients[i]!, Math.ceil(n / rounds))));
    }
    await Promise.all(clients.map((c) => c.close()));
    const direct = series[runs[0]![0]]!;
    for (const [name] of runs) {
      const s = series[name]!;
      rows.push({
        path: name,
        calls: s.length,
        p50_ms: round(pct(s, 0.5)),
        p99_ms: round(pct(s, 0.99)),
        added_p50_ms: name === runs[0]![0] ? '-' : round(pct(s, 0.5) - pct(direct, 0.5)),
        added_p99_ms: name === runs[0]![0] ? '-' : round(pct(s, 0.99) - pct(direct, 0.99)),
      });
    }

    // 100 concurrent clients on the HTTP gateway.
    const fw = await createFirewall({ policy: policy(true) });
    const guard = new McpGuard({ firewall: fw });
    const gw = await startGateway({ guard, upstreams: [{ name: 'fixture', type: 'stdio', command: process.execPath, args: ['--import', 'tsx', FIXTURE], cwd: ROOT }], port: 0, log: () => {} });
    const perClient = opts.quick ? 10 : 50;
    const lat: number[] = [];
    let errors = 0;
    const t0 = Date.now();
    const http = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const c = new Client({ name: 'bench', version: '1' });
        await c.connect(new StreamableHTTPClientTransport(new URL(`http://${gw.address}${gw.path}`)));
        return c;
      }),
    );
    const connectMs = Date.now() - t0;
    const t1 = Date.now();
    await Promise.all(
      http.map(async (c, k) => {
        for (let i = 0; i < perClient; i++) {
          const s = process.hrtime.bigint();
          try {
            const r = await c.callTool({ name: 'fixture__add', arguments: { a: k, b: i } });
            if (r.isError) errors++;
          } catch {
            errors++;
          }
          lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
      }),
    );
    const wall = (Date.now() - t1) / 1000;
    await Promise.all(http.map((c) => c.close()));
    await gw.close();
    return [
      { name: 'MCP stdio proxy: added latency per tools/call (sequential)', rows, notes: ['Same fixture server (test/mcp/fixtures/server.ts, tool add) behind each path; the SDK Client over stdio; rounds interleaved. Shared 2-core machine: noisy.'] },
      {
        name: 'MCP HTTP gateway: 100 concurrent clients',
        rows: [{ clients: 100, calls: lat.length, errors, connect_ms: connectMs, p50_ms: round(pct(lat, 0.5)), p99_ms: round(pct(lat, 0.99)), calls_per_s: Math.round(lat.length / wall) }],
        notes: ['Each client: initialize (Streamable HTTP session), then sequential tools/call through the gateway to one shared stdio upstream, decided and response-scanned.'],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
