// `agentwall replay --format agentdojo FILE --policy P [--json] [--runs]`:
// feeds recorded agent runs through the firewall (prompts and tool outputs
// through the scanners, tool calls through the policy, with session state) and
// reports the share of successful attacks stopped and of clean runs interrupted.
// Exit codes: 0 done, 3 error (bad file, policy that does not load).
import type { Command } from 'commander';
import { collect } from '../io.ts';
import { fail } from '../exit.ts';
import { PolicyError } from '../../policy/errors.ts';
import { readAgentDojo, replayAgentDojo, formatReport } from '../../replay/agentdojo.ts';
import { replayOptions } from '../../replay/setup.ts';

const FORMATS = ['agentdojo'];

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay recorded agent runs through the firewall and report attacks stopped / clean runs interrupted')
    .requiredOption('-p, --policy <path>', 'policy file or directory (repeat to compose a bundle)', collect)
    .option('-f, --format <format>', `trace format (${FORMATS.join(', ')})`, 'agentdojo')
    .option('--json', 'print the full report as JSON')
    .option('--runs', 'also list every run that was stopped or interrupted')
    .option('--no-scan', 'ablation: replay without the text scanners (provenance and sequences only)')
    .argument('<file>', 'trace file (AgentDojo: JSON lines of runs)')
    .action(async (file: string, opts: { policy: string[]; format: string; json?: boolean; runs?: boolean; scan: boolean }) => {
      try {
        if (!FORMATS.includes(opts.format)) return fail(`--format: unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
        const runs = readAgentDojo(file);
        const report = await replayAgentDojo(runs, await replayOptions(opts.policy, { scan: opts.scan }));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${runs.length} runs from ${file}\n\n${formatReport(report)}\n`);
        if (opts.runs) {
          for (const r of report.runs) {
            if (!r.stoppedBy && !(r.attackSucceeded)) continue;
            const kind = !r.attacked ? 'clean, interrupted' : r.attackSucceeded ? (r.stoppedBy ? 'attack, stopped' : 'attack, NOT stopped') : 'failed attack, deny/ask';
            const by = r.stoppedBy ? ` at call ${r.stoppedBy.call} ${r.stoppedBy.tool}: ${r.stoppedBy.effect} (${r.stoppedBy.rules.join(', ') || 'default'})` : '';
            process.stdout.write(`line ${r.line} ${r.suite} ${r.userTask ?? ''} ${r.injectionTask ?? ''}: ${kind}${by}\n`);
          }
        }
      } catch (e) {
        fail(e instanceof PolicyError ? e.message : (e as Error).message);
      }
    });
}
