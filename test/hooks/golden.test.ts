// Golden files: for each agent, realistic hook payloads (test/hooks/golden/AGENT/*.json)
// and the exact stdout JSON and exit code the built hook binary must answer,
// run as the agent runs it (stdin in, stdout + exit code out) through the warm
// daemon. UPDATE_GOLDEN=1 rewrites the expectations (review the diff).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY, ROOT, cleanup, ensureHookBuild, parseOut, runHookBin, tempDir } from './helpers.ts';

const GOLDEN = join(ROOT, 'test', 'hooks', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
let dataDir = '';

before(() => {
  ensureHookBuild();
  dataDir = tempDir();
});
after(() => cleanup(dataDir));

for (const agent of readdirSync(GOLDEN).sort()) {
  for (const file of readdirSync(join(GOLDEN, agent)).filter((f) => f.endsWith('.json')).sort()) {
    test(`${agent} ${file.replace(/\.json$/, '')}`, () => {
      const path = join(GOLDEN, agent, file);
      const doc = JSON.parse(readFileSync(path, 'utf8')) as { input: unknown; args?: string[]; stdout: unknown; exitCode: number | null };
      const input = typeof doc.input === 'string' ? doc.input : JSON.stringify(doc.input);
      const r = runHookBin([agent, '--policy', POLICY, '--data-dir', dataDir, ...(doc.args ?? [])], input);
      const out = parseOut(r.stdout);
      if (update) {
        writeFileSync(path, `${JSON.stringify({ ...doc, stdout: out, exitCode: r.code }, null, 2)}\n`);
        return;
      }
      assert.deepEqual(out, doc.stdout, `stdout of ${agent}/${file} (stderr: ${r.stderr})`);
      assert.equal(r.code, doc.exitCode, `exit code of ${agent}/${file}`);
      // Exit 2 is each protocol's blocking code; anything else but 0 would let the call through.
      assert.ok(r.code === 0 || r.code === 2, `exit code ${r.code} is neither 0 nor 2`);
      if (r.code === 2) assert.match(r.stderr, /AgentWall/, 'a blocking exit carries the reason on stderr');
    });
  }
}
