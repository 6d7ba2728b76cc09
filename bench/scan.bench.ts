// Text scanner throughput (`npm run bench -- scan`): all detectors together on
// English prose (benign deepset prompts and BIPIA e-mails, shuffled into
// paragraphs with a fixed seed), per-detector cost, linearity in input size,
// and adversarial inputs (backtracking bait, binary, non-Latin text). One
// core. Reports CPU time of this process (user + system) next to wall time:
// on a shared machine wall time mostly measures the neighbours.

import { Scanner } from '../src/scan/scanner.ts';
import { normalize } from '../src/scan/normalize.ts';
import { anchorProbe, findHeuristics } from '../src/scan/heuristics.ts';
import { builtinClassifier } from '../src/scan/classifier.ts';
import { findSecrets } from '../src/scan/secrets.ts';
import { findPii } from '../src/scan/pii.ts';
import { decodeLayers, rot13Bitmap, RunProbe } from '../src/scan/decode.ts';
import { AnchorProbe } from '../src/scan/features.ts';
import { loadDeepset, loadBipia } from '../scripts/injection-data.ts';
import { rng } from '../scripts/train-injection.ts';
import { round, type BenchOptions, type BenchSection } from './lib.ts';

const MB = 1024 * 1024;

function prose(bytes: number): string {
  let sentences: string[] = [];
  try {
    sentences = [...loadDeepset().filter((s) => s.label === 0), ...loadBipia().filter((s) => s.label === 0 && s.source === 'bipia-email')].map((s) => s.text.replace(/\s+/g, ' ').trim());
  } catch {
    /* corpora missing: fall back to a fixed paragraph */
  }
  if (sentences.length === 0) sentences = ['The committee met on Tuesday to review the budget and agreed to publish the minutes next week.'];
  const rand = rng(42);
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const para: string[] = [];
    for (let i = 0; i < 6; i++) para.push(sentences[Math.floor(rand() * sentences.length)]!);
    const p = `${para.join(' ')}\n\n`;
    parts.push(p);
    n += p.length;
  }
  return parts.join('').slice(0, bytes);
}

/**
 * Median CPU ms, least CPU ms and median wall ms over `reps` runs after
 * `warm` warm-up runs. On a shared VM a neighbour only ever adds time, so the
 * least is the closest to the scan's own cost; the median is what a run meets.
 */
function time(fn: () => unknown, reps: number, warm = 1): { cpu: number; best: number; wall: number } {
  for (let i = 0; i < warm; i++) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { cpu: med(cpu), best: Math.min(...cpu), wall: med(wall) };
}

export default async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const reps = opts.quick ? 2 : 5;
  const size = opts.quick ? 2 * MB : 8 * MB;
  const text = prose(size);
  const scanner = new Scanner();
  const mbps = (bytes: number, ms: number) => round(bytes / MB / (ms / 1000), 1);

  const rows = [];
  // The steady state of a running process. For the first several scans V8's
  // background threads (optimizing compiler, concurrent GC over the corpora
  // just loaded) add 20-40% CPU beyond the scan's own; by the tenth it is gone.
  const all = time(() => scanner.scanSync(text, { point: 'output' }), opts.quick ? 2 : 9, opts.quick ? 2 : 10);
  rows.push({ what: 'all scanners (scanSync, point output)', input_MB: round(size / MB, 1), cpu_ms: round(all.cpu, 1), MB_per_cpu_s: mbps(size, all.cpu), cpu_ms_least: round(all.best, 1), MB_per_cpu_s_least: mbps(size, all.best), wall_ms: round(all.wall, 1) });
  const cls = builtinClassifier().classifier!;
  const n = normalize(text).text;
  const runProbe = new RunProbe();
  const walked = new AnchorProbe(anchorProbe(undefined, rot13Bitmap()).bitmap, { runs: runProbe });
  cls.score(n, 'output', walked);
  const words = walked.pairs();
  const runs = runProbe.runs();
  for (const [name, fn] of [
    ['normalize', () => normalize(text)],
    // What the scanner runs on a long text: one word walk for the classifier's screen, the heuristics' anchors and decode's ROT13 hints.
    ['injection: classifier + heuristics (shared word walk)', () => {
      const probe = anchorProbe(undefined, rot13Bitmap());
      return [cls.score(n, 'output', probe), findHeuristics(n, undefined, false, probe.pairs())];
    }],
    ['  heuristics alone, own regex pass (short texts)', () => findHeuristics(n)],
    ['  classifier alone (windows)', () => cls.score(n)],
    ['  classifier, both heads (point response)', () => cls.score(n, 'response')],
    ['decode layers (candidate runs and ROT13 lines from the shared walk)', () => decodeLayers(n, { maxChars: 4 * MB, maxSegments: 256, words, runs })],
    ['  decode layers alone, own passes (short texts)', () => decodeLayers(n, { maxChars: 4 * MB, maxSegments: 256 })],
    ['secrets', () => findSecrets(n)],
    ['pii', () => findPii(n)],
  ] as Array<[string, () => unknown]>) {
    const ms = time(fn, reps);
    rows.push({ what: name, input_MB: round(size / MB, 1), cpu_ms: round(ms.cpu, 1), MB_per_cpu_s: mbps(size, ms.cpu), cpu_ms_least: round(ms.best, 1), MB_per_cpu_s_least: mbps(size, ms.best), wall_ms: round(ms.wall, 1) });
  }

  const lin = [];
  for (const mb of opts.quick ? [0.5, 1, 2] : [1, 2, 4, 8]) {
    const t = text.slice(0, mb * MB);
    const ms = time(() => scanner.scanSync(t, { point: 'output' }), reps);
    lin.push({ input_MB: mb, cpu_ms: round(ms.cpu, 1), cpu_ms_per_MB: round(ms.cpu / mb, 1), wall_ms: round(ms.wall, 1) });
  }

  const adv: Array<[string, string | Uint8Array]> = [
    ['repeated "a" then "!" (1 MB)', 'a'.repeat(MB) + '!'],
    ['"ignore " x 150k (1 MB)', 'ignore '.repeat(150_000)],
    ['digits and spaces (1 MB)', '1 '.repeat(MB / 2)],
    ['"@" runs (1 MB)', ('x'.repeat(50) + '@').repeat(MB / 51)],
    ['"password=" x 100k', 'password='.repeat(100_000)],
    ['"secret=" x 100k (values rejected)', 'secret='.repeat(100_000)],
    ['"token=$<n>x" x 30k (varied, rejected: fails closed)', Array.from({ length: 30_000 }, (_, i) => `token=$${i.toString(36)}x`).join('')],
    ['percent escapes (1 MB)', '%41'.repeat(MB / 3)],
    ['base64 blob (1 MB)', Buffer.from(new Uint8Array(768 * 1024).map((_, i) => (i * 131) % 256)).toString('base64')],
    ['binary bytes (1 MB)', new Uint8Array(MB).map((_, i) => (i * 197 + 13) % 256)],
    ['Cyrillic and CJK prose (1 MB)', 'Привет, как дела? 今日はいい天気ですね。 '.repeat(MB / 30)],
    ['zero-width every 3rd char (1 MB)', 'ab\u200b'.repeat(MB / 3)],
  ];
  const advRows = adv.map(([name, input]) => {
    const ms = time(() => scanner.scanSync(input, { point: 'response' }), opts.quick ? 1 : 3);
    return { input: name, cpu_ms: round(ms.cpu, 1), wall_ms: round(ms.wall, 1) };
  });
  return [
    { name: 'scan: throughput on English prose (one core)', rows, notes: ['Target: all scanners >= 50 MB/s. MB_per_cpu_s = input MB / CPU seconds of this process (median of the runs; _least: the least CPU time, as a neighbour on a shared machine only adds time); wall time on a shared machine is noisy.'] },
    { name: 'scan: linearity (all scanners)', rows: lin },
    { name: 'scan: adversarial inputs (all scanners, point response)', rows: advRows, notes: ['Each must complete; none may hang. Times are for the whole scan.'] },
  ];
}

