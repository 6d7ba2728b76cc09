// The optional session layer (per-session state and per-agent behavioral
// profiles), used when it is present in this build. It is loaded by computed
// specifier and used through the narrow shapes below, so the gateway builds
// and runs (with the profile endpoints answering 501) without it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SessionProvider } from '../firewall.ts';
import type { Action } from '../action.ts';

export interface AgentProfileView {
  id: string;
  steps: number;
  samples: number;
  peakPerMinute: number;
  tools: Array<[string, number]>;
  destinations: Array<[string, number]>;
  prefixes: Array<[string, number]>;
  recent: Array<{ t: number; kind: string; tool?: string; effect: string; rules?: string[]; session?: string; anomaly?: { score: number; reasons: string[]; learning?: boolean } }>;
}

export interface SessionExtension {
  provider: SessionProvider;
  agents(limit: number): string[];
  profile(id: string, recent: number): AgentProfileView | undefined;
  stats(): Record<string, number>;
}

export interface Extensions {
  session?: SessionExtension;
  close?: () => Promise<void> | void;
}

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

async function tryImport(rel: string): Promise<Record<string, unknown> | undefined> {
  const url = new URL(`${rel}${ext}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;
  try {
    return (await import(url.href)) as Record<string, unknown>;
  } catch (e) {
    process.stderr.write(`agentwall: gateway: cannot load ${rel}: ${(e as Error).message} (continuing without it)\n`);
    return undefined;
  }
}

interface HistoryEntryLike {
  t: number;
  kind: string;
  tool?: string;
  args?: Record<string, unknown>;
  effect: string;
  rules?: string[];
  session?: string;
}
interface AgentStateLike {
  steps: number;
  history: { toArray(): HistoryEntryLike[] };
  profile: {
    n: number;
    peakPerMinute: number;
    tools: Map<string, number>;
    destinations: Map<string, number>;
    prefixes: Map<string, number>;
    score?: (f: unknown, prev: string | undefined, perMinute: number, minSamples: number) => { score: number; reasons: string[]; learning?: boolean };
  };
}
interface StoreLike {
  getAgent(id: string): AgentStateLike | undefined;
  agents(limit?: number): string[];
  stats(): Record<string, number>;
  close(): void;
}

/** Session limits for a long-running gateway: 10,000 sessions of short histories fit in well under 200 MB. */
const GATEWAY_SESSION_LIMITS = { maxSessions: 10_000, maxAgents: 1_000, maxHistory: 32, maxAgentHistory: 256, maxValues: 512 };

export async function loadExtensions(): Promise<Extensions> {
  const out: Extensions = {};
  const session = await tryImport('../session/index');
  if (session && typeof session.SessionTracker === 'function' && typeof session.MemorySessionStore === 'function') {
    const Store = session.MemorySessionStore as new (limits: Record<string, number>) => StoreLike;
    const Tracker = session.SessionTracker as new (store: StoreLike) => SessionProvider;
    const featuresOf = session.featuresOf as ((a: Action) => unknown) | undefined;
    const store = new Store(GATEWAY_SESSION_LIMITS);
    const provider = new Tracker(store);
    out.session = {
      provider,
      agents: (limit) => store.agents(limit),
      stats: () => store.stats(),
      profile: (id, recent) => {
        const a = store.getAgent(id);
        if (!a) return undefined;
        const top = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).slice(0, 20);
        const hist = a.history.toArray().slice(-recent);
        const p = a.profile;
        return {
          id,
          steps: a.steps,
          samples: p.n,
          peakPerMinute: p.peakPerMinute,
          tools: top(p.tools),
          destinations: top(p.destinations),
          prefixes: top(p.prefixes),
          recent: hist.reverse().map((h, i, arr) => {
            const row: AgentProfileView['recent'][number] = { t: h.t, kind: h.kind, effect: h.effect };
            if (h.tool !== undefined) row.tool = h.tool;
            if (h.rules) row.rules = h.rules;
            if (h.session !== undefined) row.session = h.session;
            if (featuresOf && typeof p.score === 'function') {
              try {
                const prev = arr[i + 1];
                row.anomaly = p.score(featuresOf({ kind: h.kind, tool: h.tool, args: h.args } as Action), prev ? prev.tool ?? prev.kind : undefined, 0, 20);
              } catch {
                /* a profile that cannot score this entry shows none */
              }
            }
            return row;
          }),
        };
      },
    };
    out.close = () => store.close();
  }
  return out;
}
