// `agentwall mcp -- <server command…>`: run an MCP server behind the firewall
// over stdio (an MCP client launches this in place of the server);
// `agentwall mcp --gateway <config>`: serve several named upstreams as one
// Streamable HTTP endpoint; `agentwall mcp --pins | --accept s/t | --forget s[/t]`:
// look at and manage pinned tool contracts. Operator messages go to stderr
// (stdout belongs to the protocol in stdio mode).

import type { Command } from 'commander';
import { basename } from 'node:path';
import { createFirewall, type Firewall } from '../../firewall.ts';
import { PolicyError } from '../../policy/errors.ts';
import { ensureDataDir } from '../../store/datadir.ts';
import { openStore, type Store } from '../../store/index.ts';
import { ApprovalQueue, QueueApprover } from '../../approval/index.ts';
import { AuditLog, attachAudit } from '../../audit/index.ts';
import { McpGuard, type McpEvent } from '../../adapters/mcp/guard.ts';
import { FilePinStore } from '../../adapters/mcp/pins.ts';
import { StdioProxy } from '../../adapters/mcp/stdio-proxy.ts';
import { StdioUpstream } from '../../adapters/mcp/stdio-upstream.ts';
import { startGateway } from '../../adapters/mcp/gateway.ts';
import { loadGatewayConfig } from '../../adapters/mcp/config.ts';
import '../../adapters/mcp/section.ts';
import { collect } from '../io.ts';
import { defaultPolicyPath } from '../paths.ts';
import { fail } from '../exit.ts';

interface Opts {
  policy?: string[];
  name?: string;
  dataDir?: string;
  agent?: string;
  session?: string;
  quiet?: boolean;
  approvals: boolean;
  audit: boolean;
  gateway?: string;
  listen?: string;
  pins?: boolean;
  accept?: string;
  forget?: string;
}

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('put the firewall between an MCP client and its servers: `agentwall mcp -- npx @modelcontextprotocol/server-filesystem /dir` (stdio) or `agentwall mcp --gateway gateway.yaml` (Streamable HTTP)')
    .option('-p, --policy <path>', 'policy file or directory (repeat to compose; default: the coding-agent template)', collect)
    .option('-n, --name <server>', 'server name in actions (<server>__<tool>) and pins (default: from the command)')
    .option('-d, --data-dir <dir>', 'data directory for pins and approvals (default: $AGENTWALL_HOME or ./.agentwall)')
    .option('--agent <id>', 'principal id of the agent behind the client')
    .option('--session <id>', 'session id for decisions and approvals')
    .option('--no-approvals', 'do not wait for human approval: every ask is denied')
    .option('--no-audit', 'do not record decisions in the audit log of the data dir')
    .option('-q, --quiet', 'do not report contract changes, denials and flagged responses on stderr')
    .option('--gateway <config>', 'serve the upstreams of this YAML/JSON config as one Streamable HTTP endpoint')
    .option('--listen <host:port>', 'gateway address (default: from the config, else 127.0.0.1:8808)')
    .option('--pins', 'list pinned and withheld tool contracts, then exit')
    .option('--accept <server/tool>', 'pin the withheld contract of a tool (after reading its diff), then exit')
    .option('--forget <server[/tool]>', 'drop the pins of a server or one tool (re-pinned on next sight), then exit')
    .argument('[command...]', 'the MCP server command, after --')
    .action(async (command: string[], opts: Opts) => {
      try {
        if (opts.pins || opts.accept || opts.forget) return managePins(opts);
        if (opts.gateway) return await runGateway(opts);
        if (command.length === 0) return fail('mcp: give the server command after --, e.g. agentwall mcp -- npx @modelcontextprotocol/server-filesystem /dir (or --gateway config.yaml)');
        await runStdio(command, opts);
      } catch (e) {
        fail(e instanceof PolicyError ? e.message : (e as Error).message);
      }
    });
}

function log(line: string): void {
  process.stderr.write(`agentwall mcp: ${line}\n`);
}

function reporter(quiet: boolean | undefined): (e: McpEvent) => void {
  return (e) => {
    if (quiet && e.type !== 'upstream') return;
    if (e.type === 'tool-pinned') return;
    log(e.message);
    if (e.diff) for (const l of e.diff.split('\n')) process.stderr.write(`    ${l}\n`);
  };
}

async function setup(opts: Opts): Promise<{ fw: Firewall; guardOpts: ConstructorParameters<typeof McpGuard>[0]; close: () => void }> {
  const dataDir = ensureDataDir(opts.dataDir);
  let store: Store | undefined;
  let audit: AuditLog | undefined;
  let approver: QueueApprover | undefined;
  if (opts.approvals || opts.audit) store = openStore({ dataDir });
  if (store && opts.audit) audit = new AuditLog(store, { durability: 'batch' });
  if (store && opts.approvals) approver = new QueueApprover(new ApprovalQueue(store, { audit }), { onError: (m) => log(`approvals: ${m}`) });
  const fw = await createFirewall({ policy: opts.policy ?? defaultPolicyPath(), approver });
  // Audit first: a failed durable write makes the decision a deny before anyone approves it.
  if (audit) attachAudit(fw, audit, { by: 'mcp' });
  if (approver) fw.onDecision(approver.listener());
  const principal = opts.agent ? { id: opts.agent } : undefined;
  return {
    fw,
    guardOpts: { firewall: fw, pins: new FilePinStore(dataDir), approver, principal, session: opts.session, onEvent: reporter(opts.quiet) },
    close: () => {
      approver?.close();
      audit?.close();
      store?.close();
    },
  };
}

async function runStdio(command: string[], opts: Opts): Promise<void> {
  const [cmd, ...args] = command as [string, ...string[]];
  const name = opts.name ?? serverName(command);
  const { fw, guardOpts, close } = await setup(opts);
  const guard = new McpGuard(guardOpts);
  const upstream = () => new StdioUpstream({ command: cmd, args, maxMessageBytes: guard.settings().maxMessageBytes });
  const proxy = new StdioProxy({ guard, server: name, upstream: upstream(), restart: upstream, input: process.stdin, output: process.stdout, log });
  void fw;
  await proxy.start();
  await proxy.done;
  close();
}

async function runGateway(opts: Opts): Promise<void> {
  const config = loadGatewayConfig(opts.gateway!);
  const { guardOpts, close } = await setup({ ...opts, policy: opts.policy ?? config.policy ?? undefined });
  const guard = new McpGuard(guardOpts);
  const listen = opts.listen ?? config.listen ?? '127.0.0.1:8808';
  const i = listen.lastIndexOf(':');
  const host = i > 0 ? listen.slice(0, i) : '127.0.0.1';
  const port = Number(i >= 0 ? listen.slice(i + 1) : listen);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen: not a port: ${listen}`);
  const gw = await startGateway({ guard, upstreams: config.upstreams, host, port, path: config.path, log });
  log(`gateway listening on http://${gw.address}${gw.path} (${config.upstreams.map((u) => u.name).join(', ')})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gw.close();
  close();
}

function managePins(opts: Opts): void {
  const pins = new FilePinStore(ensureDataDir(opts.dataDir));
  const split = (s: string): [string, string | undefined] => {
    const i = s.indexOf('/');
    return i === -1 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
  };
  if (opts.accept) {
    const [server, tool] = split(opts.accept);
    if (!tool) return fail('--accept: expected server/tool');
    const o = pins.accept(server, tool);
    if (!o) return fail(`no withheld contract for ${server}/${tool} (see agentwall mcp --pins)`);
    process.stdout.write(`pinned ${server}/${tool} ${o.hash}\n`);
    return;
  }
  if (opts.forget) {
    const [server, tool] = split(opts.forget);
    pins.remove(server, tool);
    process.stdout.write(`forgot ${tool ? `${server}/${tool}` : `every pin of ${server}`}\n`);
    return;
  }
  for (const [server, tools] of Object.entries(pins.all())) {
    for (const [tool, p] of Object.entries(tools)) process.stdout.write(`pinned    ${server}/${tool}  ${p.hash.slice(0, 23)}  ${p.via}  ${new Date(p.pinnedAt).toISOString()}\n`);
  }
  for (const [server, tools] of Object.entries(pins.withheld())) {
    for (const [tool, o] of Object.entries(tools)) process.stdout.write(`withheld  ${server}/${tool}  ${o.hash.slice(0, 23)}  ${o.reason}\n`);
  }
}

/** `npx @modelcontextprotocol/server-filesystem /dir` -> filesystem; `node server.js` -> server. */
export function serverName(command: string[]): string {
  for (const a of command) {
    const m = /(?:^|[/@])(?:mcp-)?server-([A-Za-z0-9-]+)/.exec(a) ?? /([A-Za-z0-9-]+)-mcp(?:-server)?(?:$|[/@])/.exec(a);
    if (m) return m[1]!.replace(/-+$/, '');
  }
  const first = command.find((a, i) => i > 0 && !a.startsWith('-')) ?? command[0] ?? 'server';
  return basename(first).replace(/\.(c|m)?[jt]s$/, '').replace(/[^A-Za-z0-9-]/g, '-').replace(/__+/g, '-') || 'server';
}
