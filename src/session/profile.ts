// The behavioral fingerprint of one agent, learned from its allowed actions:
// which tools it uses, which tool follows which, where it sends things
// (hosts, e-mail addresses, IBANs), which path prefixes it touches, the shape
// of its arguments and its busiest minute. `score` says how far one action is
// from that profile, in [0, 1], with one short reason per surprise, e.g.
// "first use of curl by this agent; destination evil.example never seen".
// Every table is bounded; a full table stops learning new keys (it never grows).

import type { Action } from '../action.ts';
import { keysOfValue } from './extract.ts';

const MAX_KEYS = 512;

/** Weight of each kind of surprise; combined as a noisy-or. */
export const WEIGHTS = { tool: 0.6, transition: 0.25, destination: 0.5, path: 0.3, shape: 0.15, rate: 0.3 } as const;

export interface Anomaly {
  score: number;
  reasons: string[];
  /** True while the profile has fewer than the required samples: the score is then 0. */
  learning: boolean;
  samples: number;
}

export interface ProfileJson {
  n: number;
  tools: Array<[string, number]>;
  transitions: Array<[string, number]>;
  destinations: Array<[string, number]>;
  prefixes: Array<[string, number]>;
  shapes: Array<[string, number]>;
  peakPerMinute: number;
  first?: number;
  last?: number;
}

/** What the profile looks at in one action. */
export interface ActionFeatures {
  tool: string;
  shape: string;
  destinations: string[];
  prefixes: string[];
}

const DEST_KEY = /^(to|cc|bcc|recipients?|url|uri|host|domain|email|user_email|iban|account|address|channel|endpoint|webhook|server)$/i;
const PATH_KEY = /path|file|dir|folder/i;

export function featuresOf(action: Action): ActionFeatures {
  const tool = action.kind === 'tool' || action.kind === 'mcp' ? `${action.tool ?? '?'}` : action.tool ? `${action.kind}:${action.tool}` : action.kind;
  const args = action.args ?? {};
  const keys = Object.keys(args).sort();
  const destinations: string[] = [];
  const prefixes: string[] = [];
  for (const k of keys) {
    const v = args[k];
    const vals = Array.isArray(v) ? v.slice(0, 16) : [v];
    for (const x of vals) {
      if (typeof x !== 'string' || x.length > 512) continue;
      if (DEST_KEY.test(k) || (action.kind === 'http' && k === 'url')) {
        const key = keysOfValue(x);
        destinations.push(key.host ?? key.whole);
      } else if (PATH_KEY.test(k) && (x.startsWith('/') || x.startsWith('~') || x.includes('/'))) {
        prefixes.push(pathPrefix(x));
      }
    }
  }
  if (action.kind === 'shell' && typeof args.command === 'string') {
    const prog = args.command.trim().split(/\s+/, 1)[0] ?? '';
    return { tool: `shell:${prog.split('/').pop() ?? prog}`, shape: 'shell', destinations, prefixes };
  }
  return { tool, shape: keys.join(','), destinations, prefixes };
}

function pathPrefix(p: string): string {
  const segs = p.replace(/\\/g, '/').split('/').filter(Boolean);
  const lead = p.startsWith('/') ? '/' : p.startsWith('~') ? '' : './';
  return lead + segs.slice(0, Math.min(2, Math.max(segs.length - 1, 1))).join('/');
}

function bump(m: Map<string, number>, k: string): void {
  const c = m.get(k);
  if (c !== undefined) m.set(k, c + 1);
  else if (m.size < MAX_KEYS) m.set(k, 1);
}

export class Profile {
  n = 0;
  tools = new Map<string, number>();
  transitions = new Map<string, number>();
  destinations = new Map<string, number>();
  prefixes = new Map<string, number>();
  shapes = new Map<string, number>();
  peakPerMinute = 0;
  first: number | undefined;
  last: number | undefined;

  /** Learns one allowed action. `prevTool` is the agent's previous tool; `perMinute` its actions in the last minute. */
  learn(f: ActionFeatures, prevTool: string | undefined, perMinute: number, t: number): void {
    this.n++;
    bump(this.tools, f.tool);
    if (prevTool !== undefined) bump(this.transitions, `${prevTool}>${f.tool}`);
    for (const d of f.destinations) bump(this.destinations, d);
    for (const p of f.prefixes) bump(this.prefixes, p);
    bump(this.shapes, `${f.tool}(${f.shape})`);
    if (perMinute > this.peakPerMinute) this.peakPerMinute = perMinute;
    this.first ??= t;
    this.last = t;
  }

  score(f: ActionFeatures, prevTool: string | undefined, perMinute: number, minSamples: number): Anomaly {
    if (this.n < minSamples) {
      return { score: 0, reasons: [`profile still learning (${this.n} of ${minSamples} samples)`], learning: true, samples: this.n };
    }
    const reasons: string[] = [];
    let keep = 1;
    const hit = (w: number, why: string) => {
      keep *= 1 - w;
      reasons.push(why);
    };
    const knownTool = this.tools.has(f.tool);
    if (!knownTool) hit(WEIGHTS.tool, `first use of ${f.tool} by this agent`);
    else {
      if (prevTool !== undefined && !this.transitions.has(`${prevTool}>${f.tool}`)) hit(WEIGHTS.transition, `${f.tool} never followed ${prevTool} before`);
      if (!this.shapes.has(`${f.tool}(${f.shape})`)) hit(WEIGHTS.shape, `new argument shape for ${f.tool}: (${f.shape})`);
    }
    for (const d of f.destinations) if (!this.destinations.has(d)) hit(WEIGHTS.destination, `destination ${clip(d)} never seen`);
    for (const p of f.prefixes) if (!this.prefixes.has(p)) hit(WEIGHTS.path, `path prefix ${clip(p)} never used`);
    if (perMinute > 2 * this.peakPerMinute + 2) hit(WEIGHTS.rate, `${perMinute} actions in the last minute (busiest minute so far: ${this.peakPerMinute})`);
    return { score: round(1 - keep), reasons, learning: false, samples: this.n };
  }

  toJSON(): ProfileJson {
    return {
      n: this.n,
      tools: [...this.tools],
      transitions: [...this.transitions],
      destinations: [...this.destinations],
      prefixes: [...this.prefixes],
      shapes: [...this.shapes],
      peakPerMinute: this.peakPerMinute,
      first: this.first,
      last: this.last,
    };
  }

  static fromJSON(j: ProfileJson): Profile {
    const p = new Profile();
    p.n = j.n;
    p.tools = new Map(j.tools.slice(0, MAX_KEYS));
    p.transitions = new Map(j.transitions.slice(0, MAX_KEYS));
    p.destinations = new Map(j.destinations.slice(0, MAX_KEYS));
    p.prefixes = new Map(j.prefixes.slice(0, MAX_KEYS));
    p.shapes = new Map(j.shapes.slice(0, MAX_KEYS));
    p.peakPerMinute = j.peakPerMinute;
    p.first = j.first;
    p.last = j.last;
    return p;
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
