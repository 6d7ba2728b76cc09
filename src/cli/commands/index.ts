// Every subcommand of `agentwall`, one module each. Add new commands here.
import type { Command } from 'commander';
import { registerCheck } from './check.ts';
import { registerExplain } from './explain.ts';
import { registerPolicy } from './policy.ts';
import { registerDemo } from './demo.ts';
import { registerApprovals } from './approvals.ts';
import { registerAudit } from './audit.ts';

export const COMMANDS: Array<(program: Command) => void> = [registerCheck, registerExplain, registerPolicy, registerDemo, registerApprovals, registerAudit];
