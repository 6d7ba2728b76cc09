// Test helpers for the gateway: a Gateway + app over a temporary data
// directory with a small policy, and one key per role.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Gateway, type GatewayOptions } from '../../src/server/gateway.ts';
import { buildApp, type AppOptions } from '../../src/server/app.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';

export const POLICY = `version: 1
default: deny
rules:
  - id: reads
    effect: allow
    when: { tool: read_file }
  - id: no-etc
    effect: deny
    when: { tool: read_file, args.path: { prefix: /etc/ } }
    reason: system files are off limits
  - id: big-trades
    effect: ask
    when: { tool: trade, args.amount: { gt: 10000 } }
    approval: { approvers: 1, timeout: 1m }
  - id: trades
    effect: allow
    when: { tool: trade }
`;

export interface Harness {
  dir: string;
  policyFile: string;
  gw: Gateway;
  app: FastifyInstance;
  keys: { agent: string; approver: string; admin: string; approver2: string };
  close(): Promise<void>;
}

export function tempDir(prefix = 'aw-server-'): { dir: string; policyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  return { dir, policyFile };
}

export async function harness(opts: Partial<GatewayOptions> & AppOptions = {}): Promise<Harness> {
  const { dir, policyFile } = tempDir();
  const gw = await Gateway.create({ policy: [policyFile], dataDir: join(dir, 'data'), watchKeys: false, extensions: false, ...opts });
  const app = await buildApp(gw, opts);
  const keys = {
    agent: gw.keys.create({ name: 'bot', role: 'agent' }).token,
    approver: gw.keys.create({ name: 'alice', role: 'approver' }).token,
    approver2: gw.keys.create({ name: 'bob', role: 'approver' }).token,
    admin: gw.keys.create({ name: 'root', role: 'admin' }).token,
  };
  return {
    dir,
    policyFile,
    gw,
    app,
    keys,
    close: async () => {
      await app.close();
      await gw.close();
    },
  };
}

export async function server(opts: Partial<GatewayOptions> = {}): Promise<RunningServer & { keys: Harness['keys']; dir: string }> {
  const { dir, policyFile } = tempDir();
  const s = await startServer({ policy: [policyFile], dataDir: join(dir, 'data'), port: 0, watchKeys: false, extensions: false, approvalPollMs: 50, ...opts });
  const keys = {
    agent: s.gateway.keys.create({ name: 'bot', role: 'agent' }).token,
    approver: s.gateway.keys.create({ name: 'alice', role: 'approver' }).token,
    approver2: s.gateway.keys.create({ name: 'bob', role: 'approver' }).token,
    admin: s.gateway.keys.create({ name: 'root', role: 'admin' }).token,
  };
  return Object.assign(s, { keys, dir });
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export function json(body: unknown, token?: string) {
  return { headers: { 'content-type': 'application/json', ...(token ? auth(token) : {}) }, payload: JSON.stringify(body) };
}
