// Every subcommand of `agentwall`, one module each. Add new commands here.
import type { Command } from 'commander';
import { registerCheck } from './check.ts';
import { registerExplain } from './explain.ts';
import { registerPolicy } from './policy.ts';
import { registerDemo } from './demo.ts';
import { registerApprovals } from './approvals.ts';
import { registerAudit } from './audit.ts';
import { registerMcp } from './mcp.ts';
import { registerServe } from './serve.ts';
import { registerKeys } from './keys.ts';
import { registerHook } from './hook.ts';
import { registerInstall } from './install.ts';

export const COMMANDS: Array<(program: Command) => void> = [registerCheck, registerExplain, registerPolicy, registerDemo, registerApprovals, registerAudit, registerHook, registerInstall, registerServe, registerKeys, registerMcp];
import { registerReplay } from './replay.ts';
import { registerProfile } from './profile.ts';
COMMANDS.push(registerReplay, registerProfile);
import { registerScan } from './scan.ts';
COMMANDS.push(registerScan);
