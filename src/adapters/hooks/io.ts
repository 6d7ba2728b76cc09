// Process I/O of a hook call: read stdin with a size bound and a deadline, and
// answer exactly once. Whatever happens after the answer starts (a late timer,
// an exception) cannot produce a second, contradicting answer.

import type { HookReply } from './protocol.ts';

/** Largest hook payload accepted (a Write of a large file, a long tool output). */
export const MAX_HOOK_INPUT = 8 * 1024 * 1024;

export class StdinError extends Error {
  override name = 'StdinError';
}

export function readStdin(max = MAX_HOOK_INPUT, timeoutMs = 5_000, stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err?: Error) => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.removeAllListeners('end');
      stream.removeAllListeners('error');
      if ('pause' in stream) stream.pause();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => stop(new StdinError(`no complete input on stdin within ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > max) return stop(new StdinError(`hook input larger than ${max} bytes`));
      chunks.push(b);
    });
    stream.on('end', () => stop());
    stream.on('error', (e: Error) => stop(new StdinError(`cannot read stdin: ${e.message}`)));
  });
}

let answered = false;

/** Writes the reply and exits with its code; later calls are ignored. */
export function answer(reply: HookReply): void {
  if (answered) return;
  answered = true;
  if (reply.stderr) process.stderr.write(reply.stderr);
  process.stdout.write(reply.stdout, () => process.exit(reply.exitCode));
  // Stdout to a closed pipe never calls back: exit anyway.
  setTimeout(() => process.exit(reply.exitCode), 1_000).unref();
}

export function isAnswered(): boolean {
  return answered;
}
