// `agentwall check --policy P [--json] [ACTION_JSON | - | @file]`: decide one action.
import type { Command } from 'commander';
import { createFirewall } from '../../firewall.ts';
import { PolicyError } from '../../policy/errors.ts';
import { collect, readAction } from '../io.ts';
import { exitFor, fail } from '../exit.ts';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('decide one action (JSON as argument, "-" or nothing for stdin, @file for a file); exit 0 allow, 1 deny, 2 ask, 3 error')
    .requiredOption('-p, --policy <path>', 'policy file or directory (repeat to compose a bundle)', collect)
    .option('--json', 'print the decision as JSON')
    .option('--now <iso>', 'decision time (default: now)')
    .argument('[action]', 'action JSON, "-" for stdin, @file')
    .action(async (actionArg: string | undefined, opts: { policy: string[]; json?: boolean; now?: string }) => {
      try {
        const now = opts.now ? Date.parse(opts.now) : undefined;
        if (now !== undefined && Number.isNaN(now)) return fail(`--now: not a date-time: ${opts.now}`);
        const fw = await createFirewall({ policy: opts.policy, now: now !== undefined ? () => now : undefined });
        const action = await readAction(actionArg);
        const d = fw.guard(action);
        if (opts.json) process.stdout.write(`${JSON.stringify(d)}\n`);
        else {
          process.stdout.write(`${d.effect}${d.rules.length ? ` (${d.rules.join(', ')})` : ''}\n`);
          for (const r of d.reasons) process.stdout.write(`  ${r}\n`);
          if (d.monitor) process.stdout.write(`  monitor: would be ${d.monitor.effect} (${d.monitor.rules.join(', ')})\n`);
        }
        process.exitCode = exitFor(d.effect);
      } catch (e) {
        fail(e instanceof PolicyError ? e.message : (e as Error).message);
      }
    });
}
