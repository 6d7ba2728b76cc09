// `shell:` condition: what a shell command line really runs (see
// src/analyze/shell). Command keys must hold on one and the same command;
// line keys on the line as a whole.
//
//   shell: { program: rm, flags: [recursive, force] }       # rm -rf, -fr, -r -f, --recursive --force, sudo rm ...
//   shell: { program: git, subcommand: push, any_flag: [force] }
//   shell: { program: [python*, node], code_execution: true }
//   shell: { unresolved: true }        # dynamic command names, $IFS tricks, decoded payloads, parse errors
//   shell: { download_exec: true }     # curl … | sh
//   shell: { program: [python3], args: { glob: "analysis/*.py" }, match: all }   # every command (allow rules)

import { registerMatcher, type CompileCtx, type Cond, type ValueTest } from '../matcher.ts';
import type { ShellCommand, ShellFacts } from '../../analyze/shell/types.ts';
import { bool, mapOf, quantifier, strings } from './fact-keys.ts';

const COMMAND_KEYS = ['program', 'flags', 'any_flag', 'subcommand', 'args', 'via', 'code_execution', 'spawns_shell', 'dynamic_name', 'background'] as const;
const LINE_KEYS = ['unparseable', 'unresolved', 'reasons', 'pipe_to_shell', 'download_exec', 'dev_tcp', 'network', 'substitution', 'commands', 'match'] as const;
const KEYS = [...COMMAND_KEYS, ...LINE_KEYS];

/** `-rf` in a policy means both -r and -f. */
function expandFlag(f: string): string[] {
  if (/^-[A-Za-z0-9]{2,}$/.test(f)) return f.slice(1).split('').map((l) => `-${l}`);
  return [f];
}

function shellFacts(ctx: { facts: { get<T>(n: string): T } }): ShellFacts {
  return ctx.facts.get<ShellFacts>('shell');
}

registerMatcher({
  key: 'shell',
  summary: 'what a shell line runs: { program, flags, any_flag, subcommand, args, via, code_execution, spawns_shell, unresolved, ... }',
  compile(value: unknown, c: CompileCtx): Cond {
    const v = mapOf(value, c, 'shell', KEYS);
    // any: some command holds the command keys (deny/ask rules); all: every command does (allow rules).
    const q = quantifier(v, c);
    const cmdTests: Array<(cmd: ShellCommand) => boolean> = [];
    const lineTests: Array<(f: ShellFacts) => boolean> = [];
    const parts: string[] = [];
    const op = (key: string, scalar: 'eq' | 'glob' = 'eq'): ValueTest => c.operand(v[key], [key], { scalar });

    if (v.program !== undefined) {
      const t = op('program', 'glob');
      cmdTests.push((cmd) => t(cmd.name) || (cmd.program !== cmd.name && t(cmd.program)));
      parts.push(`program ${t.describe}`);
    }
    if (v.flags !== undefined) {
      const need = strings(v.flags, c, 'flags').flatMap(expandFlag);
      cmdTests.push((cmd) => need.every((f) => cmd.flags.includes(f)));
      parts.push(`flags all of [${need.join(', ')}]`);
    }
    if (v.any_flag !== undefined) {
      const some = strings(v.any_flag, c, 'any_flag').flatMap(expandFlag);
      cmdTests.push((cmd) => some.some((f) => cmd.flags.includes(f)));
      parts.push(`a flag of [${some.join(', ')}]`);
    }
    for (const [key, get] of [
      ['subcommand', (cmd: ShellCommand) => cmd.subcommand],
      ['args', (cmd: ShellCommand) => cmd.argv.slice(1)],
      ['via', (cmd: ShellCommand) => cmd.via],
    ] as const) {
      if (v[key] === undefined) continue;
      const t = op(key, 'glob');
      cmdTests.push((cmd) => t(get(cmd)));
      parts.push(`${key} ${t.describe}`);
    }
    for (const [key, get] of [
      ['code_execution', (cmd: ShellCommand) => cmd.codeExecution],
      ['spawns_shell', (cmd: ShellCommand) => cmd.spawnsShell],
      ['dynamic_name', (cmd: ShellCommand) => cmd.dynamicName],
      ['background', (cmd: ShellCommand) => cmd.background],
    ] as const) {
      const want = bool(v, key, c);
      if (want === undefined) continue;
      // Line-level flags also count: a shell spawned through an argument is recorded on the line.
      if (key === 'code_execution' || key === 'spawns_shell') {
        const line = key === 'code_execution' ? (f: ShellFacts) => f.codeExecution || f.pipeToShell : (f: ShellFacts) => f.spawnsShell;
        if (Object.keys(v).some((k) => (COMMAND_KEYS as readonly string[]).includes(k) && k !== key)) cmdTests.push((cmd) => get(cmd) === want);
        else lineTests.push((f) => (line(f) || f.commands.some(get)) === want);
      } else cmdTests.push((cmd) => get(cmd) === want);
      parts.push(`${key} ${want}`);
    }
    for (const [key, get] of [
      ['unparseable', (f: ShellFacts) => f.unparseable],
      ['unresolved', (f: ShellFacts) => f.unresolved],
      ['pipe_to_shell', (f: ShellFacts) => f.pipeToShell],
      ['download_exec', (f: ShellFacts) => f.downloadExec],
      ['dev_tcp', (f: ShellFacts) => f.devTcp],
      ['network', (f: ShellFacts) => f.network],
      ['substitution', (f: ShellFacts) => f.substitution],
    ] as const) {
      const want = bool(v, key, c);
      if (want === undefined) continue;
      lineTests.push((f) => get(f) === want);
      parts.push(`${key} ${want}`);
    }
    if (v.reasons !== undefined) {
      const t = op('reasons');
      lineTests.push((f) => t(f.reasons));
      parts.push(`reasons ${t.describe}`);
    }
    if (v.commands !== undefined) {
      const t = op('commands');
      lineTests.push((f) => t(f.commands.length));
      parts.push(`command count ${t.describe}`);
    }
    return {
      describe: `shell ${parts.join(', ')}${q === 'all' ? ' (every command)' : ''}`,
      where: c.path,
      actual: (ctx) => {
        const f = shellFacts(ctx);
        return f.present ? { programs: f.programs, unresolved: f.reasons, commands: f.commands.map((x) => x.argv.join(' ')).slice(0, 8) } : undefined;
      },
      test(ctx) {
        const f = shellFacts(ctx);
        if (!f.present) return false;
        for (const t of lineTests) if (!t(f)) return false;
        if (cmdTests.length === 0) return true;
        if (q === 'all') {
          if (f.commands.length === 0 || f.unresolved) return false;
          return f.commands.every((cmd) => cmdTests.every((t) => t(cmd)));
        }
        for (const cmd of f.commands) {
          let ok = true;
          for (const t of cmdTests) {
            if (!t(cmd)) {
              ok = false;
              break;
            }
          }
          if (ok) return true;
        }
        return false;
      },
    };
  },
});
