// `agentwall profile list | show AGENT | score AGENT ACTION_JSON [--json]`:
// the behavioral profiles the session store learned (tools, transitions,
// destinations, path prefixes, argument shapes, busiest minute), and how
// anomalous one action would be for an agent. Reads <data dir>/sessions.db.
// Exit codes: 0 done, 1 no such agent, 3 error.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../../store/datadir.ts';
import { SqliteSessionStore, SESSIONS_DB } from '../../session/sqlite.ts';
import { EXIT, fail } from '../exit.ts';
import { readAction } from '../io.ts';
import { SessionTracker } from '../../session/tracker.ts';

interface Opts {
  dataDir?: string;
  json?: boolean;
}

function open(opts: Opts): SqliteSessionStore | undefined {
  const file = join(resolveDataDir(opts.dataDir), SESSIONS_DB);
  if (!existsSync(file)) {
    fail(`no session store at ${file} (use --data-dir or $AGENTWALL_HOME to point at the data directory)`);
    return undefined;
  }
  return new SqliteSessionStore({ file });
}

function top(entries: Array<[string, number]>, n = 15): string[] {
  return [...entries].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n).map(([k, c]) => `${k} (${c})`);
}

export function registerProfile(program: Command): void {
  const cmd = program.command('profile').description('behavioral profiles of agents, learned from their allowed actions');
  cmd
    .command('list')
    .description('agents with a profile, most recently active first')
    .option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)')
    .option('--json', 'print JSON')
    .action((opts: Opts) => {
      const store = open(opts);
      if (!store) return;
      try {
        const rows = store.agents(1000).map((id) => ({ id, samples: store.getAgent(id)?.profile.n ?? 0, actions: store.getAgent(id)?.steps ?? 0 }));
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else if (rows.length === 0) process.stdout.write('no agents\n');
        else for (const r of rows) process.stdout.write(`${r.id}  ${r.samples} samples, ${r.actions} actions\n`);
      } catch (e) {
        fail((e as Error).message);
      } finally {
        store.close();
      }
    });
  cmd
    .command('show')
    .description("one agent's profile")
    .argument('<agent>', 'principal id')
    .option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)')
    .option('--json', 'print JSON')
    .action((agent: string, opts: Opts) => {
      const store = open(opts);
      if (!store) return;
      try {
        const a = store.getAgent(agent);
        if (!a) {
          process.stderr.write(`agentwall: no profile for agent '${agent}'\n`);
          process.exitCode = EXIT.failed;
          return;
        }
        const p = a.profile.toJSON();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ agent, actions: a.steps, profile: p }, null, 2)}\n`);
          return;
        }
        const lines = [
          `agent:        ${agent}`,
          `samples:      ${p.n} allowed actions learned (${a.steps} recorded)`,
          `active:       ${p.first ? new Date(p.first).toISOString() : '-'} .. ${p.last ? new Date(p.last).toISOString() : '-'}`,
          `busiest minute: ${p.peakPerMinute} actions`,
          `tools:        ${top(p.tools).join(', ') || '-'}`,
          `transitions:  ${top(p.transitions).join(', ') || '-'}`,
          `destinations: ${top(p.destinations).join(', ') || '-'}`,
          `path prefixes: ${top(p.prefixes).join(', ') || '-'}`,
          `argument shapes: ${top(p.shapes).join(', ') || '-'}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } catch (e) {
        fail((e as Error).message);
      } finally {
        store.close();
      }
    });
  cmd
    .command('score')
    .description('anomaly score of one action for an agent, with the reasons (ACTION_JSON as argument, "-" for stdin, @file)')
    .argument('<agent>', 'principal id')
    .argument('[action]', 'action JSON, "-" for stdin, @file')
    .option('--min-samples <n>', 'samples a profile needs before it scores', '20')
    .option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)')
    .option('--json', 'print JSON')
    .action(async (agent: string, actionArg: string | undefined, opts: Opts & { minSamples: string }) => {
      const min = Number(opts.minSamples);
      if (!Number.isInteger(min) || min < 1) return fail(`--min-samples: expected a positive integer, got '${opts.minSamples}'`);
      const store = open(opts);
      if (!store) return;
      try {
        if (!store.getAgent(agent)) {
          process.stderr.write(`agentwall: no profile for agent '${agent}'\n`);
          process.exitCode = EXIT.failed;
          return;
        }
        const action = await readAction(actionArg);
        const a = new SessionTracker(store).anomaly({ ...action, principal: { ...action.principal, id: agent } }, min);
        if (opts.json) process.stdout.write(`${JSON.stringify(a)}\n`);
        else process.stdout.write(`${a.score.toFixed(3)}${a.learning ? ' (learning)' : ''}${a.reasons.length ? `: ${a.reasons.join('; ')}` : ''}\n`);
      } catch (e) {
        fail((e as Error).message);
      } finally {
        store.close();
      }
    });
}
