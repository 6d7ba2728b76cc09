#!/usr/bin/env node
// The fast entry point the installer puts in agents' hook settings:
//   node .../dist/src/adapters/hooks/main.js claude-code [--policy P] [--data-dir D]
// Same behavior as `agentwall hook`, without loading the whole CLI first.
// Nothing is imported statically: a broken install (a missing or corrupt
// module) must still end in exit 2, the blocking code of every supported
// agent, never in Node's own exit 1, which agents treat as a non-blocking failure.

const blockAndExit = (message: string) => {
  process.stderr.write(`AgentWall: ${message}\n`);
  process.exit(2);
};
process.on('uncaughtException', (e) => blockAndExit(`internal error: ${e.message}`));

try {
  const { parseHookArgs, runHook } = await import('./client.ts');
  let opts;
  try {
    opts = parseHookArgs(process.argv.slice(2));
  } catch (e) {
    blockAndExit((e as Error).message);
  }
  if (opts) await runHook(opts);
} catch (e) {
  blockAndExit(`cannot start the hook: ${(e as Error).message}`);
}
