// Every subcommand of `agentwall`, one module each. Add new commands here.
import type { Command } from 'commander';

export const COMMANDS: Array<(program: Command) => void> = [];
