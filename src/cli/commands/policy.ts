// `agentwall policy validate P...` and `agentwall policy test P CASES.yaml...`.
import type { Command } from 'commander';
import { createFirewall } from '../../firewall.ts';
import { PolicyError, formatIssue } from '../../policy/errors.ts';
import { loadPolicy } from '../../policy/index.ts';
import { readCaseFile, runCases } from '../../policy/cases.ts';
import { EXIT, fail } from '../exit.ts';

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('validate and test policies');

  policy
    .command('validate')
    .description('load and compile policies; print every problem with file:line:column (exit 0 valid, 3 invalid)')
    .argument('<paths...>', 'policy files or directories (composed into one bundle)')
    .option('--json', 'print the result as JSON')
    .action((paths: string[], opts: { json?: boolean }) => {
      try {
        const p = loadPolicy(paths);
        if (opts.json) process.stdout.write(`${JSON.stringify({ valid: true, digest: p.digest, rules: p.rules.length, default: p.default, files: p.files })}\n`);
        else process.stdout.write(`valid: ${p.rules.length} rule(s) in ${p.files.length} file(s), default ${p.default}, digest ${p.digest}\n`);
      } catch (e) {
        if (e instanceof PolicyError) {
          if (opts.json) process.stdout.write(`${JSON.stringify({ valid: false, issues: e.issues })}\n`);
          else for (const i of e.issues) process.stderr.write(`${formatIssue(i)}\n`);
          process.exitCode = EXIT.error;
        } else fail((e as Error).message);
      }
    });

  policy
    .command('test')
    .description('run policy test cases (exit 0 all pass, 1 a case failed, 3 error)')
    .argument('<policy>', 'policy file or directory ("-" to use the policy named in each case file)')
    .argument('<cases...>', 'YAML case files')
    .option('-v, --verbose', 'print passing cases too')
    .action(async (policyPath: string, caseFiles: string[], opts: { verbose?: boolean }) => {
      let passed = 0;
      let failed = 0;
      try {
        for (const file of caseFiles) {
          const cf = readCaseFile(file);
          const source = policyPath === '-' ? cf.policy : [policyPath];
          if (source.length === 0) return fail(`${file}: no policy given (name one, or set 'policy:' in the case file)`);
          let clock: number | undefined;
          const fw = await createFirewall({ policy: source, now: () => clock ?? Date.now() });
          const results = runCases(cf, (action, now) => {
            clock = now;
            return fw.guard(action as never);
          });
          for (const r of results) {
            if (r.ok) {
              passed++;
              if (opts.verbose) process.stdout.write(`PASS: ${file}:${r.line ?? '?'}: ${r.name}\n`);
            } else {
              failed++;
              process.stdout.write(`FAIL: ${file}:${r.line ?? '?'}: ${r.name}: ${r.problem}\n`);
            }
          }
        }
      } catch (e) {
        return fail(e instanceof PolicyError ? e.message : (e as Error).message);
      }
      process.stdout.write(`${'-'.repeat(40)}\nPASS: ${passed}/${passed + failed}${failed ? `\nFAIL: ${failed}/${passed + failed}` : ''}\n`);
      process.exitCode = failed > 0 ? EXIT.failed : EXIT.ok;
    });
}
