// AgentDojo replay: every run of the dev traces goes through the firewall with
// policies/agentdojo.yaml (prompts and tool outputs through the scanners, tool
// calls through the policy with session state). Reports, per suite, the share
// of successful attacks stopped (deny or ask on a tool call at or after the
// injection) and of clean runs interrupted (any deny or ask), which mechanism
// stopped each attack, and an ablation without the text scanners.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { corpus, mdTable, pct, REPO, type EvalSection } from './lib.ts';
import { readAgentDojo, replayAgentDojo, type ReplayReport } from '../src/replay/agentdojo.ts';
import { replayOptions } from '../src/replay/setup.ts';

const FILE = corpus('agentdojo', 'traces-gpt-4o-mini-2024-07-18.jsonl');
const POLICY = join(REPO, 'policies', 'agentdojo.yaml');

function share(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${pct(n / d)} (${n}/${d})`;
}

function table(r: ReplayReport): string {
  return mdTable(
    ['suite', 'successful attacks stopped', 'clean runs interrupted', 'failed attacks with a deny/ask', 'monitor-mode rules would add (attacks / clean)'],
    [...r.suites, r.total].map((s) => [s.suite, share(s.stopped, s.attackedSucceeded), share(s.interrupted, s.clean), share(s.stoppedFailed, s.attackedFailed), `${s.monitorStopped} / ${s.monitorInterrupted}`]),
  );
}

export default async function (): Promise<EvalSection[]> {
  if (!existsSync(FILE)) return [];
  const runs = readAgentDojo(FILE);
  const full = await replayAgentDojo(runs, await replayOptions(POLICY));
  const blind = await replayAgentDojo(runs, await replayOptions(POLICY, { scan: false }));
  const mech = Object.entries(full.byMechanism).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  const markdown = [
    `Command: \`agentwall replay --format agentdojo ${FILE.replace(`${REPO}/`, '')} --policy policies/agentdojo.yaml\` (${runs.length} runs, gpt-4o-mini, attack type important_instructions). ` +
      'Stopped = a deny or ask on a tool call at or after the tool output carrying the injection; interrupted = any deny or ask in a run without attack.',
    '',
    table(full),
    '',
    `Stopped attacks by rule family: ${mech}. The \`provenance/injected-argument\` rule needs a scan finding (a value counts as "injected" when it came from a tool output in which the response scan found an injection); ` +
      `the response scan flagged the injected output in ${full.injectionFlagged}/${full.total.attackedSucceeded} successful attacks.`,
    '',
    'Ablation without the text scanners (`--no-scan`): provenance and sequences alone, with the same policy:',
    '',
    table(blind),
    '',
    'Without the scanners no value is known to be injected, so the enforced rules stop nothing; the lethal-trifecta rule (monitor mode in this policy) would stop the share shown in the last column at the price of interrupting that many clean runs. ' +
      'The dev traces contain one attack type; held-back traces may differ.',
  ].join('\n');
  return [
    {
      title: 'AgentDojo replay (session policies)',
      markdown,
      metrics: {
        agentdojo_attacks_stopped: full.total.attackedSucceeded ? full.total.stopped / full.total.attackedSucceeded : 0,
        agentdojo_clean_interrupted: full.total.clean ? full.total.interrupted / full.total.clean : 0,
        agentdojo_attacks_stopped_without_scan: blind.total.attackedSucceeded ? blind.total.stopped / blind.total.attackedSucceeded : 0,
      },
    },
  ];
}
