#!/usr/bin/env node
// The `agentwall` command. Each subcommand lives in src/cli/commands/ and
// registers itself on the program; this file only sets up exit-code handling.
//
// Exit codes (documented in README): 0 allow / success, 1 deny / test failure,
// 2 ask, 3 error (bad usage, policy that does not load, bad input).

import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { EXIT } from './exit.ts';

const program = new Command();
program
  .name('agentwall')
  .description('A runtime firewall for AI agents: every action decided by policy before it runs.')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(s) });
// Load only the command being run; help, version and unknown words load them all.
const word = process.argv.slice(2).find((a) => !a.startsWith('-'));
const chosen = COMMANDS.filter((c) => c.name === word);
for (const entry of chosen.length > 0 ? chosen : COMMANDS) (await entry.load())(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : EXIT.error;
  } else {
    process.stderr.write(`agentwall: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = EXIT.error;
  }
}
