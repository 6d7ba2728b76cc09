#!/usr/bin/env node
// The fast entry point the installer puts in agents' hook settings:
//   node .../dist/src/adapters/hooks/main.js claude-code [--policy P] [--data-dir D]
// Same behavior as `agentwall hook`, without loading the whole CLI first.
import { answer } from './io.ts';
import { parseHookArgs, runHook } from './client.ts';

try {
  await runHook(parseHookArgs(process.argv.slice(2)));
} catch (e) {
  // Arguments we cannot read leave no protocol to answer in: exit 2 blocks in every supported agent.
  answer({ stdout: '', stderr: `AgentWall: ${(e as Error).message}\n`, exitCode: 2 });
}
