// Verifies an audit log on a worker thread (audit/verify-worker.ts), so a
// server stays responsive while every record of a large log is hashed
// (500,000 records take seconds). The thread opens the database read-only and
// reports back the same VerifyReport as verifyLog; concurrent callers for one
// database share a run.

import { Worker } from 'node:worker_threads';
import { threadEntry } from './thread-url.ts';
import type { VerifyReport } from './verify.ts';

export interface VerifyJob {
  file: string;
  dataDir: string;
}

const running = new Map<string, Promise<VerifyReport>>();

/** Verifies the log in `file` against the key in `dataDir` on a worker thread. Rejects with the thread's error. */
export function verifyInThread(file: string, dataDir: string): Promise<VerifyReport> {
  const key = `${file}\u0000${dataDir}`;
  let p = running.get(key);
  if (!p) {
    p = new Promise<VerifyReport>((resolve, reject) => {
      const w = new Worker(threadEntry(import.meta.url, 'verify-worker'), { workerData: { file, dataDir } satisfies VerifyJob });
      let answered = false;
      w.once('message', (m: { report?: VerifyReport; error?: string }) => {
        answered = true;
        if (m.report) resolve(m.report);
        else reject(new Error(m.error ?? 'verification failed'));
      });
      w.once('error', (e) => reject(e));
      w.once('exit', (code) => {
        if (!answered) reject(new Error(`verification thread exited with code ${code}`));
      });
    }).finally(() => running.delete(key));
    running.set(key, p);
  }
  return p;
}
