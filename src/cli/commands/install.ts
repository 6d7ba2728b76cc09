// `agentwall install AGENT [--scope user|project] [--dry-run]`: writes the hook
// configuration of a coding agent, merged into its existing settings (other
// settings and hooks are kept; earlier AgentWall entries are replaced). The
// file is written atomically; --dry-run prints the change and writes nothing.
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect } from '../io.ts';
import { fail } from '../exit.ts';
import { AGENT_NAMES } from '../../adapters/hooks/index.ts';
import { hookCommand, mergeHooks, settingsFile, type Scope } from '../../adapters/hooks/install.ts';

/** The fast hook entry next to the hook modules (main.js in dist/). */
function hookScript(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'adapters', 'hooks', fileURLToPath(import.meta.url).endsWith('.ts') ? 'main.ts' : 'main.js');
}

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description(`write the hook configuration of a coding agent (${AGENT_NAMES.join(', ')}), merged into its settings`)
    .argument('<agent>', AGENT_NAMES.join(' | '))
    .option('--scope <scope>', 'user (home directory) or project (the current directory)', 'user')
    .option('--project-dir <dir>', 'project directory for --scope project', '.')
    .option('-p, --policy <path>', 'policy for the hook (repeat to compose; default: the shipped coding-agent policy)', collect)
    .option('-d, --data-dir <dir>', 'session state directory for the hook')
    .option('--timeout <seconds>', "the agent's time limit for one hook call", '30')
    .option('--dry-run', 'print the change, write nothing')
    .action((agent: string, opts: { scope: string; projectDir: string; policy?: string[]; dataDir?: string; timeout: string; dryRun?: boolean }) => {
      try {
        if (!AGENT_NAMES.includes(agent)) return fail(`unknown agent '${agent}' (known: ${AGENT_NAMES.join(', ')})`);
        if (opts.scope !== 'user' && opts.scope !== 'project') return fail('--scope: expected user or project');
        const timeout = Number(opts.timeout);
        if (!Number.isInteger(timeout) || timeout <= 0) return fail('--timeout: expected whole seconds');
        const target = settingsFile(agent, opts.scope as Scope, process.env.HOME || homedir(), resolve(opts.projectDir));
        let before: unknown;
        let beforeText = '';
        if (existsSync(target.file)) {
          beforeText = readFileSync(target.file, 'utf8');
          try {
            before = beforeText.trim() === '' ? undefined : JSON.parse(beforeText);
          } catch (e) {
            return fail(`${target.file} is not valid JSON (${(e as Error).message}); fix it first, nothing was written`);
          }
        }
        const script = hookScript();
        const command = hookCommand({
          node: process.execPath,
          script,
          agent,
          policy: opts.policy?.map((p) => resolve(p)),
          dataDir: opts.dataDir ? resolve(opts.dataDir) : undefined,
        });
        const { settings, added, replaced } = mergeHooks(agent, before, command, timeout);
        const afterText = `${JSON.stringify(settings, null, 2)}\n`;
        const summary = [...added.map((e) => `+ ${e}`), ...replaced.map((e) => `~ ${e} (replaces the earlier AgentWall hook)`)];
        if (opts.dryRun) {
          process.stdout.write(`would write ${target.file}\n${summary.join('\n')}\n\n${lineDiff(beforeText, afterText)}`);
          return;
        }
        if (beforeText === afterText) {
          process.stdout.write(`${target.file}: already up to date\n`);
          return;
        }
        mkdirSync(dirname(target.file), { recursive: true });
        const tmp = `${target.file}.agentwall-${process.pid}.tmp`;
        writeFileSync(tmp, afterText, { mode: 0o600 });
        renameSync(tmp, target.file);
        process.stdout.write(`wrote ${target.file}\n${summary.join('\n')}\n`);
        for (const n of target.notes) process.stdout.write(`note: ${n}\n`);
      } catch (e) {
        fail((e as Error).message);
      }
    });
}

/** A small line diff (common prefix and suffix kept as context) so --dry-run shows what changes. */
function lineDiff(a: string, b: string): string {
  const x = a === '' ? [] : a.replace(/\n$/, '').split('\n');
  const y = b.replace(/\n$/, '').split('\n');
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  let s = 0;
  while (s < x.length - p && s < y.length - p && x[x.length - 1 - s] === y[y.length - 1 - s]) s++;
  const out: string[] = [];
  for (let i = Math.max(0, p - 3); i < p; i++) out.push(`  ${x[i]}`);
  for (let i = p; i < x.length - s; i++) out.push(`- ${x[i]}`);
  for (let i = p; i < y.length - s; i++) out.push(`+ ${y[i]}`);
  for (let i = y.length - s; i < Math.min(y.length, y.length - s + 3); i++) out.push(`  ${y[i]}`);
  return `${out.join('\n')}\n`;
}
