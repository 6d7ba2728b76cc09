// Runs every shipped policy template's test cases (policies/NAME.test.yaml
// against policies/NAME.yaml, or the policy the case file names), with the
// built-in analyzers, exactly as `agentwall policy test` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createFirewall } from '../../src/firewall.ts';
import { readCaseFile, runCases } from '../../src/policy/cases.ts';
import { ROOT } from '../helpers/cli.ts';

const dir = join(ROOT, 'policies');
const caseFiles = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.yaml')).sort() : [];

test('every policy template has test cases', () => {
  const templates = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml')) : [];
  for (const t of templates) assert.ok(caseFiles.includes(t.replace(/\.yaml$/, '.test.yaml')), `${t} has no ${t.replace(/\.yaml$/, '.test.yaml')}`);
});

for (const f of caseFiles) {
  test(`policy template cases: ${f}`, async (t) => {
    const cf = readCaseFile(join(dir, f));
    const policy = cf.policy.length > 0 ? cf.policy : [join(dir, f.replace(/\.test\.yaml$/, '.yaml'))];
    let clock: number | undefined;
    const fw = await createFirewall({ policy, now: () => clock ?? Date.parse('2026-11-23T15:00:00Z') });
    const results = runCases(cf, (action, now) => {
      clock = now;
      return fw.guard(action as never);
    });
    for (const r of results) {
      await t.test(r.name, () => assert.ok(r.ok, `${f}:${r.line}: ${r.problem}`));
    }
  });
}
