// The worker thread behind verifyInThread (audit/verify-thread.ts): opens the
// log read-only, verifies it against the data directory's key and posts back
// { report } or { error }.

import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/index.ts';
import { loadVerifyKey } from './keys.ts';
import { verifyLog } from './verify.ts';
import type { VerifyJob } from './verify-thread.ts';

const job = workerData as VerifyJob;
try {
  const store = openStore({ file: job.file, readonly: true });
  try {
    parentPort!.postMessage({ report: verifyLog(store, loadVerifyKey(job.dataDir)) });
  } finally {
    store.close();
  }
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
}
