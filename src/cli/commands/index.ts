// Every subcommand of `agentwall`, one module each, loaded on demand: a hook or
// `check` call must not pay for loading the gateway or the MCP SDK. Add new
// commands here (the name is the word typed after `agentwall`).
import type { Command } from 'commander';

type Register = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  load(): Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'check', load: async () => (await import('./check.ts')).registerCheck },
  { name: 'explain', load: async () => (await import('./explain.ts')).registerExplain },
  { name: 'policy', load: async () => (await import('./policy.ts')).registerPolicy },
  { name: 'scan', load: async () => (await import('./scan.ts')).registerScan },
  { name: 'demo', load: async () => (await import('./demo.ts')).registerDemo },
  { name: 'serve', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'keys', load: async () => (await import('./keys.ts')).registerKeys },
  { name: 'approvals', load: async () => (await import('./approvals.ts')).registerApprovals },
  { name: 'audit', load: async () => (await import('./audit.ts')).registerAudit },
  { name: 'replay', load: async () => (await import('./replay.ts')).registerReplay },
  { name: 'profile', load: async () => (await import('./profile.ts')).registerProfile },
  { name: 'hook', load: async () => (await import('./hook.ts')).registerHook },
  { name: 'install', load: async () => (await import('./install.ts')).registerInstall },
  { name: 'mcp', load: async () => (await import('./mcp.ts')).registerMcp },
];
