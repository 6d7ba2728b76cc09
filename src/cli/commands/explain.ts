// `agentwall explain --policy P [ACTION_JSON | -]`: which rules matched and why the others did not.
import type { Command } from 'commander';
import { createFirewall } from '../../firewall.ts';
import { PolicyError } from '../../policy/errors.ts';
import { collect, readAction } from '../io.ts';
import { exitFor, fail } from '../exit.ts';

const MARK = { matched: '✔', 'not-matched': '·', excepted: '↷', error: '✖', 'not-applicable': ' ' } as const;

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('show the decision, which rules matched and why the others did not')
    .requiredOption('-p, --policy <path>', 'policy file or directory (repeat to compose a bundle)', collect)
    .option('--json', 'print the explanation as JSON')
    .option('--all', 'also list rules that do not apply to this kind/tool')
    .option('--now <iso>', 'decision time (default: now)')
    .argument('[action]', 'action JSON, "-" for stdin, @file')
    .action(async (actionArg: string | undefined, opts: { policy: string[]; json?: boolean; all?: boolean; now?: string }) => {
      try {
        const now = opts.now ? Date.parse(opts.now) : undefined;
        if (now !== undefined && Number.isNaN(now)) return fail(`--now: not a date-time: ${opts.now}`);
        const fw = await createFirewall({ policy: opts.policy, now: now !== undefined ? () => now : undefined });
        const x = fw.explain(await readAction(actionArg));
        if (opts.json) process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);
        else {
          const d = x.decision;
          process.stdout.write(`decision: ${d.effect}${d.rules.length ? ` by ${d.rules.join(', ')}` : ''}\n`);
          for (const r of d.reasons) process.stdout.write(`  reason: ${r}\n`);
          if (d.monitor) process.stdout.write(`  monitor: would be ${d.monitor.effect} by ${d.monitor.rules.join(', ')}\n`);
          process.stdout.write('rules:\n');
          let hidden = 0;
          for (const r of x.rules) {
            if (r.status === 'not-applicable' && !opts.all) {
              hidden++;
              continue;
            }
            process.stdout.write(`  ${MARK[r.status]} ${r.id} [${r.effect}${r.mode === 'monitor' ? ', monitor' : ''}] ${r.status}: ${r.detail}  (${r.where})\n`);
          }
          if (hidden) process.stdout.write(`  (${hidden} rule(s) for other kinds/tools not shown; --all lists them)\n`);
          if (Object.keys(x.facts).length) process.stdout.write(`facts:\n${JSON.stringify(x.facts, null, 2).replace(/^/gm, '  ')}\n`);
        }
        process.exitCode = exitFor(x.decision.effect);
      } catch (e) {
        fail(e instanceof PolicyError ? e.message : (e as Error).message);
      }
    });
}
