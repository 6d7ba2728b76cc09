// `agentwall serve`: the gateway (what `npm start` runs). Loads the policy
// (default: the coding-agent template), opens the embedded store in the data
// directory, creates a bootstrap admin key on first start (printed once), and
// serves the decision API, approvals, audit, policy, metrics, MCP and the
// dashboard on 127.0.0.1 until SIGINT/SIGTERM, then flushes the audit log.
import type { Command } from 'commander';
import { defaultPolicyPath } from '../paths.ts';
import { fail } from '../exit.ts';
import { collect } from '../io.ts';
import { startServer } from '../../server/serve.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the gateway: decision API, approvals, audit, metrics, MCP endpoint and dashboard')
    .option('-p, --policy <path>', 'policy file or directory, repeatable (default: the coding-agent template)', collect)
    .option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)')
    .option('--host <host>', 'address to listen on (anything but loopback exposes the API without TLS)', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', process.env.AGENTWALL_PORT ?? '8787')
    .option('--mcp <config>', 'serve these MCP upstreams (YAML/JSON, as for agentwall mcp --gateway) at /mcp, every tool call decided by the firewall')
    .option('--no-sessions', 'without the session layer: no session history for session rules, no agent profiles; memory independent of the number of sessions')
    .option('--durability <mode>', "audit durability: 'batch' (group commits every 20 ms; a kill -9 loses at most that) or 'sync'", 'batch')
    .action(async (opts: { policy?: string[]; dataDir?: string; host: string; port: string; durability: string; mcp?: string; sessions: boolean }) => {
      try {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port: expected 0..65535, got '${opts.port}'`);
        if (opts.durability !== 'batch' && opts.durability !== 'sync') return fail("--durability: expected 'batch' or 'sync'");
        const s = await startServer({ policy: opts.policy ?? [defaultPolicyPath()], dataDir: opts.dataDir, host: opts.host, port, durability: opts.durability, extensions: opts.sessions, ...(opts.mcp ? { mcpConfig: opts.mcp } : {}) });
        // Handlers first: whoever reads the banner may signal at once.
        let stopping = false;
        const stop = async (sig: string) => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`\nagentwall: ${sig}: stopping (flushing the audit log)\n`);
          await s.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
        const out = process.stdout;
        out.write(`AgentWall gateway listening on ${s.url}\n`);
        out.write(`  dashboard:  ${s.url}/dashboard\n  decide:     POST ${s.url}/v1/decide\n  metrics:    ${s.url}/metrics\n`);
        if (s.gateway.mcp) out.write(`  mcp:        ${s.url}/mcp (${s.gateway.mcp.upstreams.join(', ')})\n`);
        out.write(`  policy:     ${s.gateway.policyState.origin.join(', ')} (${s.gateway.fw.policy.digest.slice(0, 19)}…)\n  data dir:   ${s.gateway.store.dataDir}\n`);
        if (s.bootstrap) {
          out.write(`\nBootstrap admin key (shown once, stored hashed; keep it somewhere safe):\n\n  ${s.bootstrap}\n\n`);
          out.write(`Sign in to the dashboard with it, and create keys for agents and approvers:\n  agentwall keys create --role agent --name my-agent\n  agentwall keys create --role approver --name alice\n`);
        }
        if (!isLoopback(opts.host)) process.stderr.write(`agentwall: warning: listening on ${opts.host}: the API is reachable from the network without TLS; put a TLS proxy in front\n`);
        out.write('\nPress Ctrl-C to stop.\n');
      } catch (e) {
        fail((e as Error).message);
      }
    });
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}
