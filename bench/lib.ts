// Shared helpers for benchmarks: a latency sampler that reports percentiles
// from individually timed operations (tinybench reports means; a firewall is
// judged by its tail), and the section format every bench module returns.

export interface BenchRow {
  [column: string]: string | number;
}

export interface BenchSection {
  name: string;
  rows: BenchRow[];
  notes?: string[];
}

export interface BenchOptions {
  json: boolean;
  /** Fewer iterations (CI smoke runs). */
  quick: boolean;
}

export interface Latency {
  n: number;
  p50_us: number;
  p99_us: number;
  mean_us: number;
  ops_per_s: number;
}

/**
 * Times `fn` `n` times after `warmup` calls. Each sample times a batch of
 * `batch` calls, so timer overhead does not dominate sub-microsecond work;
 * percentiles are over per-call times of the batches.
 */
export function measure(fn: (i: number) => unknown, n: number, opts: { warmup?: number; batch?: number } = {}): Latency {
  const warmup = opts.warmup ?? Math.min(n, 20_000);
  const batch = opts.batch ?? 1;
  for (let i = 0; i < warmup; i++) fn(i);
  const samples = new Float64Array(Math.ceil(n / batch));
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let s = 0, i = 0; s < samples.length; s++) {
    const t0 = process.hrtime.bigint();
    for (let b = 0; b < batch; b++, i++) if (fn(i)) sink++;
    samples[s] = Number(process.hrtime.bigint() - t0) / batch;
  }
  const total = Number(process.hrtime.bigint() - start);
  if (sink === -1) console.log(sink);
  samples.sort();
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]! / 1000;
  const calls = samples.length * batch;
  return {
    n: calls,
    p50_us: round(pct(0.5)),
    p99_us: round(pct(0.99)),
    mean_us: round(total / calls / 1000),
    ops_per_s: Math.round(calls / (total / 1e9)),
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
