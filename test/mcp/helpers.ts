// Shared pieces of the MCP gateway tests: temp dirs, policies, and an SDK
// Client connected over stdio to `agentwall mcp -- <server>` (the real CLI,
// the real upstream server from npm or the fixture).
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'src/cli/main.ts');
export const FS_SERVER = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
export const FIXTURE = join(ROOT, 'test/mcp/fixtures/server.ts');
export const fixtureCommand = (toolsFile?: string) => [process.execPath, '--import', 'tsx', FIXTURE, ...(toolsFile ? [toolsFile] : [])];
export const fsCommand = (dir: string) => [process.execPath, FS_SERVER, dir];

export function tempDir(t: TestContext, prefix = 'aw-mcp-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  t.after(() => {
    // A proxy child may still be flushing into the directory as the test ends:
    // cleanup is best effort and never fails a test.
    try {
      rmSync(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    } catch {
      /* left in the OS temp dir */
    }
  });
  return d;
}

export function writePolicy(dir: string, yaml: string, name = 'policy.yaml'): string {
  const p = join(dir, name);
  writeFileSync(p, yaml);
  return p;
}

export interface Proxied {
  client: Client;
  transport: StdioClientTransport;
  /** Everything the proxy wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Starts `agentwall mcp ... -- <server>` and connects an SDK client to it over stdio. */
export async function proxied(t: TestContext, o: { policy: string; dataDir: string; name: string; server: string[]; args?: string[]; connect?: boolean }): Promise<Proxied> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', CLI, 'mcp', '-p', o.policy, '-d', o.dataDir, '--name', o.name, ...(o.args ?? []), '--', ...o.server],
    cwd: ROOT,
    stderr: 'pipe',
    env: { ...(process.env as Record<string, string>) },
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'test', version: '1.0.0' });
  if (o.connect !== false) await client.connect(transport);
  const close = async () => {
    await client.close().catch(() => {});
  };
  t.after(close);
  return { client, transport, stderr: () => err, close };
}

export async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function text(result: unknown): string {
  const c = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return c.map((x) => x.text ?? '').join('\n');
}
