// Analyzer latency: shell analysis uncached (parse + facts, each command
// analyzed fresh) and cached, on varied real commands of at most 200
// characters (tldr examples, placeholders filled); URL and SQL analysis; and a
// full coding-agent decision on a shell action. Targets: shell uncached p50
// <= 20 µs, p99 <= 100 µs.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadShellAnalyzer } from '../src/analyze/shell/index.ts';
import { loadBashParser } from '../src/analyze/shell/parser.ts';
import { analyzeUrl } from '../src/analyze/url.ts';
import { analyzeSql } from '../src/analyze/sql/analyze.ts';
import { loadSqlAnalyzer } from '../src/analyze/sql/index.ts';
import { createFirewall } from '../src/firewall.ts';
import { fillTldr } from '../eval/shell.eval.ts';
import { corpus, REPO } from '../eval/lib.ts';
import { measure, type BenchOptions, type BenchSection } from './lib.ts';

const FALLBACK_COMMANDS = [
  'git status', 'ls -la src', 'npm test -- --watch=false', "grep -rn 'TODO' src/ | head -20", 'rm -rf build', 'cat package.json | jq .version',
  'find . -name "*.ts" -not -path "./node_modules/*" | xargs wc -l', "git commit -am 'fix: handle empty input'", 'docker ps -a --format "{{.Names}}"',
  'curl -fsSL https://example.com/install.sh | bash', 'sudo -u www-data env A=1 timeout 5 python3 manage.py migrate', 'tar -xzf archive.tar.gz -C /tmp/out',
];

function commands(): string[] {
  const f = corpus('shell', 'tldr-common-commands.txt');
  if (!existsSync(f)) return FALLBACK_COMMANDS;
  const all = readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('tldr ')).map(fillTldr).filter((c) => c.length <= 200);
  // A deterministic spread over the whole corpus.
  const step = Math.max(1, Math.floor(all.length / 5000));
  return all.filter((_, i) => i % step === 0);
}

const URLS = [
  'https://api.github.com/repos/o/r/issues?state=open', 'http://169.254.169.254/latest/meta-data/', 'http://0x7f.1:8080/admin',
  'http://[::ffff:127.0.0.1]/', 'https://registry.npmjs.org/zod', 'http://evil.com@10.0.0.1/', 'gopher://localhost:6379/_x', 'https://例え.jp/パス',
];
const SQL = [
  'SELECT id, name FROM users WHERE id = 1', 'SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100 ORDER BY o.created_at DESC LIMIT 10',
  "INSERT INTO events (kind, payload) VALUES ('login', '{}')", 'UPDATE accounts SET balance = balance - 10 WHERE id = 7', 'DROP TABLE sessions',
  "SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)",
];

export default async function analyzeBench(opts: BenchOptions): Promise<BenchSection[]> {
  const n = opts.quick ? 2_000 : 20_000;
  const shell = await loadShellAnalyzer();
  const parser = await loadBashParser();
  await loadSqlAnalyzer();
  const cmds = commands();
  const avgLen = Math.round(cmds.reduce((a, c) => a + c.length, 0) / cmds.length);

  // First right after load, then in steady state: the first pass meets each command once while V8 still
  // tiers tree-sitter's WebAssembly and the analyzer up; the target is for a running service (steady state).
  const early = { what: `shell analysis, uncached, right after load (5,000 warm-up analyses: under one pass over the commands)`, ...measure((i) => shell.analyzeUncached(cmds[i % cmds.length]!), n, { warmup: Math.min(n, 5000) }) };
  const rows = [
    { what: `shell analysis, uncached (${cmds.length} distinct tldr commands, avg ${avgLen} chars; steady state)`, ...measure((i) => shell.analyzeUncached(cmds[i % cmds.length]!), n, { warmup: n }) },
    early,
    { what: 'shell: tree-sitter parse only (same commands)', ...measure((i) => parser.parse(cmds[i % cmds.length]!)?.delete(), n, { warmup: Math.min(n, 5000) }) },
    { what: 'shell analysis, cached (LRU hit)', ...measure((i) => shell.analyzeCommand(cmds[i % 256]!), n, { warmup: 1000, batch: 10 }) },
    { what: `URL analysis (${URLS.length} URLs)`, ...measure((i) => analyzeUrl(URLS[i % URLS.length]!), n, { warmup: 2000 }) },
    { what: `SQL analysis, uncached, PostgreSQL (${SQL.length} queries)`, ...measure((i) => analyzeSql(SQL[i % SQL.length]!, 'postgres'), Math.min(n, 5000), { warmup: 500 }) },
    { what: `SQL analysis, uncached, SQLite (${SQL.length} queries)`, ...measure((i) => analyzeSql(SQL[i % SQL.length]!, 'sqlite'), Math.min(n, 5000), { warmup: 500 }) },
  ];
  // Noise-robust view: each command's best of 7 uncached runs, then percentiles across commands.
  const per = cmds.map((c) => {
    let best = Infinity;
    for (let k = 0; k < (opts.quick ? 2 : 7); k++) {
      const t0 = process.hrtime.bigint();
      shell.analyzeUncached(c);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000);
    }
    return best;
  }).sort((a, b) => a - b);
  const at = (q: number) => Math.round(per[Math.min(per.length - 1, Math.floor(q * per.length))]! * 1000) / 1000;
  rows.splice(1, 0, { what: 'shell analysis, uncached, best of 7 runs per command (percentiles across commands)', n: per.length, p50_us: at(0.5), p99_us: at(0.99), mean_us: Math.round((per.reduce((a, b) => a + b, 0) / per.length) * 1000) / 1000, ops_per_s: 0 });
  // CPU-bound view on a shared machine: the same uncached sequence, keeping only samples during which this
  // process was not switched out (getrusage context-switch counters unchanged), so another job's time slice
  // is not counted as analysis time. GC pauses and cold caches stay in.
  {
    const m = opts.quick ? 2_000 : 20_000;
    const kept: number[] = [];
    for (let i = 0; i < m; i++) {
      const r0 = process.resourceUsage();
      const t0 = process.hrtime.bigint();
      shell.analyzeUncached(cmds[i % cmds.length]!);
      const dt = Number(process.hrtime.bigint() - t0) / 1000;
      const r1 = process.resourceUsage();
      if (r1.involuntaryContextSwitches === r0.involuntaryContextSwitches && r1.voluntaryContextSwitches === r0.voluntaryContextSwitches) kept.push(dt);
    }
    kept.sort((a, b) => a - b);
    const q = (x: number) => Math.round(kept[Math.min(kept.length - 1, Math.floor(x * kept.length))]! * 1000) / 1000;
    rows.splice(2, 0, { what: `shell analysis, uncached, samples without a context switch (${kept.length} of ${m} kept)`, n: kept.length, p50_us: q(0.5), p99_us: q(0.99), mean_us: Math.round((kept.reduce((a, b) => a + b, 0) / Math.max(1, kept.length)) * 1000) / 1000, ops_per_s: 0 });
  }
  const fw = await createFirewall({ policy: join(REPO, 'policies', 'coding-agent.yaml') });
  const actions = cmds.slice(0, 512).map((command) => ({ kind: 'shell', args: { command, cwd: '/home/dev/project' } }));
  rows.push({ what: 'coding-agent decision on a shell action (analysis cached, paths resolved)', ...measure((i) => fw.guard(actions[i % actions.length]!), n, { warmup: 2000 }) });
  return [
    {
      name: 'analyzers',
      rows,
      notes: [
        'Target: shell analysis uncached p50 <= 20 µs, p99 <= 100 µs for commands of at most 200 characters; it applies to the first row, a running process in steady state (20,000 warm-up analyses, about four passes over the commands).',
        'The right-after-load row measures the first 20,000 analyses after only 5,000 warm-up ones: most commands are met for the first time while V8 is still tiering tree-sitter\'s WebAssembly and the analyzer up. A one-shot hook process pays this; its whole cost is in the hooks section.',
        'Uncached means every call parses and analyzes again (analyzeUncached bypasses the LRU); cached calls hit the bounded LRU (4096 entries).',
        'The best-of-7 row removes scheduler noise: it is the cost of each command itself; the first row includes interference from other processes.',
        'The context-switch row is the first row again, without the samples during which the process was switched out (CPU-bound view on a shared machine).',
        'The machine is a 2-core VM whose neighbours are not ours: wall-clock percentiles move by 10-30% between runs.',
      ],
    },
  ];
}
