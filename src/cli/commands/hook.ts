// `agentwall hook AGENT [--policy P] [--data-dir D]`: answer one hook call of a
// coding agent (claude-code, codex, gemini, cursor): payload on stdin, the
// agent's JSON reply on stdout, its exit code. Fails closed in the agent's own
// protocol. The work is done by src/adapters/hooks (a warm daemon by default).
import type { Command } from 'commander';
import { collect } from '../io.ts';
import { answer } from '../../adapters/hooks/io.ts';
import { AGENT_NAMES } from '../../adapters/hooks/index.ts';
import { runHook } from '../../adapters/hooks/client.ts';

export function registerHook(program: Command): void {
  program
    .command('hook')
    .description(`answer one hook call of a coding agent (${AGENT_NAMES.join(', ')}): JSON on stdin, the agent's reply on stdout`)
    .argument('<agent>', AGENT_NAMES.join(' | '))
    .option('-p, --policy <path>', 'policy file or directory (repeat to compose; default: policies/coding-agent.yaml)', collect)
    .option('-d, --data-dir <dir>', 'session state directory (default: $AGENTWALL_HOME or ~/.agentwall)')
    .option('--timeout <ms>', 'answer (blocking) when no decision is ready within this time', '10000')
    .option('--no-daemon', 'decide in this process instead of the warm hook daemon')
    .option('--defer-allow', "on allow, leave the agent's own permission rules in charge instead of pre-approving")
    // A usage error must still block: the CLI's usual exit code 3 is a non-blocking failure to every supported agent.
    .exitOverride((err) => {
      if (err.exitCode === 0) throw err;
      process.stderr.write(`AgentWall: ${err.message}\n`);
      process.exit(2);
    })
    .action(async (agent: string, opts: { policy?: string[]; dataDir?: string; timeout: string; daemon: boolean; deferAllow?: boolean }) => {
      const timeoutMs = Number(opts.timeout);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return answer({ stdout: '', stderr: 'AgentWall: --timeout: expected milliseconds\n', exitCode: 2 });
      await runHook({ agent, policy: opts.policy, dataDir: opts.dataDir, timeoutMs, daemon: opts.daemon, deferAllow: opts.deferAllow });
    });
}
