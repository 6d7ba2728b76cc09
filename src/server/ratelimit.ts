// Per-key token buckets: each key refills at `rate` tokens per second up to
// `burst`; a request takes one token or gets 429 with Retry-After. Buckets are
// kept per key id (bounded by the number of keys; the oldest bucket is dropped
// beyond `maxBuckets`, which can only make a limit more generous, never break).

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();
  limited = 0;

  constructor(private readonly maxBuckets = 20_000, private readonly now: () => number = () => performance.now()) {}

  /** Takes one token; returns 0 when allowed, else the seconds until a token is available. */
  take(id: string, rate: number, burst: number): number {
    const t = this.now();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= this.maxBuckets) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: burst, last: t };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.last) / 1000) * rate);
      b.last = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    this.limited++;
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  }
}
