// The gateway's config file: where to listen and the named upstreams (a
// command to launch over stdio, or a Streamable HTTP URL). `${VAR}` in env
// values and headers is taken from the environment, so tokens stay out of the
// file. Upstream names become the `<server>` of `<server>__<tool>`, hence no
// underscores in them.
//
//   listen: 127.0.0.1:8808
//   upstreams:
//     filesystem: { command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", /srv/data] }
//     tickets:    { url: https://tickets.example.com/mcp, headers: { Authorization: "Bearer ${TICKETS_TOKEN}" } }

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

const StdioSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).max(1000).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
const HttpSchema = z.strictObject({
  url: z.string().url(),
  headers: z.record(z.string(), z.string()).optional(),
});

const ConfigSchema = z.strictObject({
  listen: z.string().optional(),
  path: z.string().regex(/^\/[A-Za-z0-9/_-]*$/).optional(),
  policy: z.union([z.string(), z.array(z.string())]).optional(),
  upstreams: z.record(z.string().regex(NAME, 'upstream names are letters, digits and - (they prefix tool names as <name>__<tool>)'), z.union([StdioSchema, HttpSchema])),
});

export type UpstreamConfig =
  | { name: string; type: 'stdio'; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { name: string; type: 'http'; url: string; headers?: Record<string, string> };

export interface GatewayConfig {
  listen?: string;
  path?: string;
  policy?: string[];
  upstreams: UpstreamConfig[];
}

function expand(s: string, env: NodeJS.ProcessEnv, where: string): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, v: string) => {
    const x = env[v];
    if (x === undefined) throw new Error(`${where}: environment variable ${v} is not set`);
    return x;
  });
}

export function parseGatewayConfig(value: unknown, baseDir = process.cwd(), env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const r = ConfigSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`gateway config: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const c = r.data;
  const upstreams: UpstreamConfig[] = Object.entries(c.upstreams).map(([name, u]) => {
    const map = (o: Record<string, string> | undefined, what: string) => (o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, expand(v, env, `upstreams.${name}.${what}.${k}`)])) : undefined);
    if ('url' in u) return { name, type: 'http', url: u.url, headers: map(u.headers, 'headers') };
    return { name, type: 'stdio', command: u.command, args: u.args ?? [], env: map(u.env, 'env'), cwd: u.cwd ? resolve(baseDir, u.cwd) : undefined };
  });
  if (upstreams.length === 0) throw new Error('gateway config: upstreams: at least one upstream is needed');
  const policy = c.policy === undefined ? undefined : (Array.isArray(c.policy) ? c.policy : [c.policy]).map((p) => resolve(baseDir, p));
  return { listen: c.listen, path: c.path, policy, upstreams };
}

export function loadGatewayConfig(file: string): GatewayConfig {
  const text = readFileSync(file, 'utf8');
  if (text.length > 1024 * 1024) throw new Error(`gateway config ${file} is larger than 1 MB`);
  let v: unknown;
  try {
    v = parse(text);
  } catch (e) {
    throw new Error(`gateway config ${file}: ${(e as Error).message}`);
  }
  return parseGatewayConfig(v, dirname(resolve(file)));
}
