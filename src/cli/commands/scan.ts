// `agentwall scan [--policy P] [--point input|response|output] [FILE | -]`:
// scans a text (file or stdin) like the firewall does at that enforcement
// point and prints the verdict and findings (never the matched secrets).
// Exit code: 0 allow/warn, 1 block, 2 redact (the redacted text with --redacted), 3 error.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createFirewall } from '../../firewall.ts';
import { PolicyError } from '../../policy/errors.ts';
import { collect } from '../io.ts';
import { fail } from '../exit.ts';
import type { ScanPoint } from '../../scan/types.ts';

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan a text for prompt injection, secrets, PII and hidden characters')
    .option('-p, --policy <path>', 'policy file or directory whose scan: section applies (repeat to compose)', collect)
    .option('--point <point>', 'enforcement point: input, response or output', 'response')
    .option('--json', 'print the whole result as JSON')
    .option('--redacted', 'print the redacted text instead of the findings')
    .argument('[file]', 'file to scan, "-" or nothing for stdin')
    .action(async (file: string | undefined, opts: { policy?: string[]; point: string; json?: boolean; redacted?: boolean }) => {
      try {
        if (!['input', 'response', 'output'].includes(opts.point)) return fail(`--point: expected input, response or output, got '${opts.point}'`);
        const text = readFileSync(file && file !== '-' ? file : 0, 'utf8');
        const fw = await createFirewall({ policy: opts.policy?.length ? opts.policy : { version: 1 } });
        const r = await fw.scan(text, { point: opts.point as ScanPoint });
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (opts.redacted) process.stdout.write(r.redacted ?? text);
        else {
          process.stdout.write(`verdict: ${r.verdict}  (injection score ${r.injection.score} / threshold ${r.injection.threshold}, ${r.bytes} bytes, ${r.ms} ms)\n`);
          for (const f of r.findings) {
            process.stdout.write(`  ${f.action ?? ''} ${f.type}/${f.rule} at ${f.span.start}-${f.span.end}${f.layers ? ` [${f.layers.join(' > ')}]` : ''}: ${f.message}\n`);
          }
          for (const e of r.errors ?? []) process.stdout.write(`  error: ${e}\n`);
        }
        process.exitCode = r.verdict === 'block' ? 1 : r.verdict === 'redact' ? 2 : 0;
      } catch (e) {
        fail(e instanceof PolicyError ? e.message : (e as Error).message);
      }
    });
}
