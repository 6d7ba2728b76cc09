// Verifies an audit log on a worker thread, so a server stays responsive
// while every record of a large log is hashed (500,000 records take seconds).
// The thread opens the database read-only and reports back the same
// VerifyReport as verifyLog; concurrent callers for one database share a run.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { threadEntry } from './thread-url.ts';
import type { VerifyReport } from './verify.ts';

interface Job {
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
      const w = new Worker(threadEntry(import.meta.url, 'verify-thread'), { workerData: { file, dataDir } satisfies Job });
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

if (!isMainThread && parentPort && (workerData as Partial<Job> | undefined)?.file !== undefined) {
  const job = workerData as Job;
  const port = parentPort;
  void (async () => {
    const { openStore } = await import('../store/index.ts');
    const { verifyLog } = await import('./verify.ts');
    const { loadVerifyKey } = await import('./keys.ts');
    try {
      const store = openStore({ file: job.file, readonly: true });
      try {
        port.postMessage({ report: verifyLog(store, loadVerifyKey(job.dataDir)) });
      } finally {
        store.close();
      }
    } catch (e) {
      port.postMessage({ error: (e as Error).message });
    }
  })();
}
