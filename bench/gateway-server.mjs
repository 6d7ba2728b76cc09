// Child process of bench/gateway.bench.ts: a gateway on 127.0.0.1 (any free
// port) over a temporary data directory with the given policy (argv[3]
// 'nosessions': without the session layer), run from the
// built package (dist/, as `npm start` runs it: no TypeScript loader in the
// process, so its memory is what production sees). Prints one JSON line
// { url, token } (an agent key with a rate limit above the benchmark's) and
// answers IPC messages: 'rss' -> { rss, heapUsed } (after a GC when
// --expose-gc), 'cpu' -> { cpuUs } (process CPU time so far), 'stop' -> closes
// and exits. SIGTERM also closes and exits (so --cpu-prof can write its profile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { startServer } from '../dist/src/server/serve.js';

const policy = process.argv[2];
if (!policy) throw new Error('usage: gateway-server.mjs POLICY');
const dir = mkdtempSync(join(tmpdir(), 'aw-bench-gw-'));
const s = await startServer({ policy: [policy], dataDir: dir, port: 0, watchKeys: false, extensions: process.argv[3] !== 'nosessions' });
const { token } = s.gateway.keys.create({ name: 'bench-agent', role: 'agent', rate: 1e7, burst: 1e7 });
process.stdout.write(`${JSON.stringify({ url: s.url, token })}\n`);

async function stop() {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

process.on('message', (m) => {
  if (m === 'rss') {
    const before = process.memoryUsage().rss;
    globalThis.gc?.();
    const mem = process.memoryUsage();
    const h = getHeapStatistics();
    process.send?.({ rss: mem.rss, rssBeforeGc: before, heapUsed: mem.heapUsed, heapCommitted: h.total_physical_size, external: mem.external, arrayBuffers: mem.arrayBuffers, malloced: h.malloced_memory, audit: s.gateway.log.pending, sessions: s.gateway.ext.session?.stats() });
  } else if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuUs: u.user + u.system });
  } else if (m === 'stop') void stop();
});
process.once('SIGTERM', () => void stop());
