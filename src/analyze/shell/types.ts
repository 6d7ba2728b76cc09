// The facts the shell analyzer reports about one command line: every command
// that would run (after unwrapping sudo/env/bash -c/...), the paths it touches,
// the hosts it contacts, and flags for everything that could not be resolved
// statically. Policies match on these (see src/policy/matchers/shell.ts).

import type { PathAccess } from './programs.ts';

export interface ShellCommand {
  /** The program as it would be looked up, after quote removal: `/bin/rm`, `rm`. */
  program: string;
  /** Basename of the program: `rm`. */
  name: string;
  /** Full argument vector after quote removal and $'…' decoding; argv[0] is the program. */
  argv: string[];
  /** Every flag, in literal form (`-r`, `--force`) and, where known, by canonical name (`recursive`, `force`). */
  flags: string[];
  /** First positional argument, and the first two joined by a space (`ec2 terminate-instances`). */
  subcommand: string[];
  /** Positional (non-flag) arguments. */
  positionals: string[];
  /** Wrappers this command runs under, outermost first: `sudo`, `bash -c`, `xargs`, `find -exec`, ... */
  via: string[];
  /** The command name came from an expansion, a substitution or a glob: the program shown is a best guess. */
  dynamicName: boolean;
  /** Some argument comes from an expansion or substitution. */
  dynamicArgs: boolean;
  /** An interpreter given program text (python -c, node -e, perl -e, awk 'prog', eval). */
  codeExecution: boolean;
  /** Starts an interactive shell (bash, sh -i, sudo -s, an argument that names a shell). */
  spawnsShell: boolean;
  /** Runs in the background (`&`). */
  background: boolean;
}

export interface ShellPath {
  /** As written (after quote removal); the path analyzer normalizes it. */
  raw: string;
  access: PathAccess;
  /** The command (name) that touches it, or `redirect`. */
  by: string;
}

export interface ShellHost {
  /** Host as written (name or address literal). */
  host: string;
  port?: number;
  scheme?: string;
  /** The full URL when the host came from one. */
  url?: string;
  by: string;
}

export type UnresolvedReason =
  | 'parse-error'
  | 'nul-byte'
  | 'invalid-unicode'
  | 'too-large'
  | 'too-deep'
  | 'too-many-commands'
  | 'dynamic-command-name'
  | 'ifs-expansion'
  | 'glob-command-name'
  | 'decoded-payload-to-shell'
  | 'stdin-to-shell'
  | 'dynamic-eval'
  | 'dynamic-shell-script';

export interface ShellFacts {
  /** False when the action is not a shell action (no command). */
  present: boolean;
  commands: ShellCommand[];
  /** Basenames of every program that would run. */
  programs: string[];
  paths: ShellPath[];
  hosts: ShellHost[];
  /** The text is not valid shell (or contains bytes a shell would not accept). Never an allow. */
  unparseable: boolean;
  /** Something could not be resolved statically; `reasons` says what. Includes unparseable. */
  unresolved: boolean;
  reasons: UnresolvedReason[];
  /** Some command is an interpreter given code. */
  codeExecution: boolean;
  /** Some command starts an interactive shell. */
  spawnsShell: boolean;
  /** Something is piped into a shell or interpreter. */
  pipeToShell: boolean;
  /** A download (curl, wget, nc, ...) is piped into a shell or interpreter. */
  downloadExec: boolean;
  /** A redirection or path uses /dev/tcp or /dev/udp. */
  devTcp: boolean;
  /** Some command contacts the network. */
  network: boolean;
  background: boolean;
  /** Command or process substitution occurs. */
  substitution: boolean;
}
