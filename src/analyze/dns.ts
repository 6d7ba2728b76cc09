// Optional DNS check for enforcement points that make the request themselves:
// resolve the host, classify every address, and return the one address to
// connect to (the pin). Connecting to the pinned address, not re-resolving,
// defeats DNS rebinding (a name that is public when checked and internal when
// used). Async and separate from decide(), which stays synchronous and pure.

import { lookup } from 'node:dns/promises';
import { classifyHost, type HostClass } from './host.ts';
import { analyzeUrl } from './url.ts';

export interface ResolvedCheck {
  host: string;
  /** Every address the name resolved to, with its classes. */
  addresses: Array<{ address: string; family: 4 | 6; classes: HostClass[]; internal: boolean }>;
  /** Some address (or the host itself) is internal. */
  internal: boolean;
  /** The address to connect to; absent when the target is internal or did not resolve. */
  pin?: string;
  error?: string;
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemLookup: Lookup = (host) => lookup(host, { all: true, verbatim: true });

/** Resolves a URL's host and checks every address. Never throws. */
export async function resolveAndCheck(url: string, opts: { lookup?: Lookup; timeoutMs?: number } = {}): Promise<ResolvedCheck> {
  const target = analyzeUrl(url);
  const host = target.host;
  if (target.kind === 'invalid') return { host, addresses: [], internal: true, error: 'url does not parse' };
  if (target.kind !== 'domain') {
    const info = classifyHost(host);
    const family = target.kind === 'ipv4' ? 4 : 6;
    return {
      host, addresses: [{ address: host, family, classes: info.classes, internal: info.internal }],
      internal: target.internal, ...(target.internal ? {} : { pin: host }),
    };
  }
  const timeoutMs = opts.timeoutMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      (opts.lookup ?? systemLookup)(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`DNS lookup timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const addresses = found.map((a) => {
      const info = classifyHost(a.address);
      return { address: a.address, family: (a.family === 6 ? 6 : 4) as 4 | 6, classes: info.classes, internal: info.internal };
    });
    if (addresses.length === 0) return { host, addresses, internal: true, error: 'no addresses' };
    const internal = target.internal || addresses.some((a) => a.internal);
    return { host, addresses, internal, ...(internal ? {} : { pin: addresses[0]!.address }) };
  } catch (e) {
    return { host, addresses: [], internal: true, error: (e as Error).message };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
