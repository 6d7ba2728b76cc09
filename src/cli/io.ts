// Input helpers shared by CLI commands: read an action from an argument, a
// file or standard input, bounded in size, with errors that say where.

import { readFileSync } from 'node:fs';
import type { Action } from '../action.ts';

/** Largest action document the CLI accepts (the engine bounds args at 1 MB). */
export const MAX_ACTION_INPUT = 4 * 1024 * 1024;

export async function readStdin(max = MAX_ACTION_INPUT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`standard input is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** ACTION_JSON as given: inline JSON, '-' for stdin, or @file. */
export async function readAction(arg: string | undefined): Promise<Action> {
  let text: string;
  let where: string;
  if (arg === undefined || arg === '-') {
    text = await readStdin();
    where = 'standard input';
  } else if (arg.startsWith('@')) {
    where = arg.slice(1);
    text = readFileSync(where, 'utf8');
  } else {
    text = arg;
    where = 'argument';
  }
  if (text.length > MAX_ACTION_INPUT) throw new Error(`action from ${where} is larger than ${MAX_ACTION_INPUT} bytes`);
  try {
    return JSON.parse(text) as Action;
  } catch (e) {
    throw new Error(`action from ${where} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Commander argument parser for repeatable options: `-p a.yaml -p b.yaml`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
