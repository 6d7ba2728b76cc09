// `npm run bench [-- --json] [-- --quick] [-- NAME...]`: runs every bench/*.bench.ts
// module (or those whose file name contains one of NAME) and prints one table
// per section, or a JSON array of sections with --json. package.json runs it
// with --single-threaded-gc, as `npm start` runs the server: CPU time is then
// the work of one core, not also that of V8's parallel GC helper threads.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSection, BenchOptions } from './lib.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opts: BenchOptions = { json: args.includes('--json'), quick: args.includes('--quick') };
const names = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.some((n) => f.includes(n)))
  .sort();

const sections: BenchSection[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: (o: BenchOptions) => Promise<BenchSection[]> };
  const out = await mod.default(opts);
  for (const s of out) {
    sections.push(s);
    if (!opts.json) print(s);
  }
}
if (opts.json) process.stdout.write(`${JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, sections }, null, 2)}\n`);

function print(s: BenchSection): void {
  console.log(`\n## ${s.name}\n`);
  if (s.rows.length > 0) {
    const cols = Object.keys(s.rows[0]!);
    const width = cols.map((c) => Math.max(c.length, ...s.rows.map((r) => String(r[c] ?? '').length)));
    const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(width[i]!)).join(' | ')} |`;
    console.log(line(cols));
    console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of s.rows) console.log(line(cols.map((c) => String(r[c] ?? ''))));
  }
  for (const n of s.notes ?? []) console.log(`\n${n}`);
}
