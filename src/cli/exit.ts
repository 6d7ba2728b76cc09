// Exit codes of the agentwall command, shared by every subcommand.
import type { Effect } from '../action.ts';

export const EXIT = { allow: 0, ok: 0, deny: 1, failed: 1, ask: 2, error: 3 } as const;

export function exitFor(effect: Effect): number {
  return EXIT[effect];
}

/** Reports a user-facing error and sets the error exit code. */
export function fail(message: string): void {
  process.stderr.write(`agentwall: ${message}\n`);
  process.exitCode = EXIT.error;
}
