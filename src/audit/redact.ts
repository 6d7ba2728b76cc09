// What of an action may be written to the audit log. The default never stores
// the values of keys that look like secrets and bounds strings, arrays, depth
// and total size, so the log can neither leak credentials nor be flooded by one
// huge action. A scanner-based redactor can replace it (AuditOptions.redact).

import type { Action } from '../action.ts';

export type Redactor = (action: Action) => unknown;

export const SECRET_KEY = /pass(word|wd|phrase)?|secret|token|api[-_]?key|^auth$|authori[sz]ation|cookie|credential|private[-_]?key|access[-_]?key|session[-_]?key|signature|bearer/i;

export interface RedactLimits {
  maxString: number;
  maxArray: number;
  maxKeys: number;
  maxDepth: number;
  /** Extra key fragments (lower case) whose values are masked, from the policy's `audit.redact_keys`. */
  keys?: readonly string[];
}

export const DEFAULT_REDACT_LIMITS: RedactLimits = { maxString: 2048, maxArray: 64, maxKeys: 64, maxDepth: 8 };

export const REDACTED = '[redacted]';

/** The default redactor: secret-looking keys masked, everything bounded. */
export function redactAction(action: Action, limits: RedactLimits = DEFAULT_REDACT_LIMITS): unknown {
  return bound(action, limits, 0);
}

function bound(v: unknown, l: RedactLimits, depth: number): unknown {
  if (typeof v === 'string') return v.length > l.maxString ? `${v.slice(0, l.maxString)}…[+${v.length - l.maxString} chars]` : v;
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
  if (depth >= l.maxDepth) return '[nested too deep]';
  if (Array.isArray(v)) {
    const out = v.slice(0, l.maxArray).map((x) => bound(x, l, depth + 1));
    if (v.length > l.maxArray) out.push(`…[+${v.length - l.maxArray} items]`);
    return out;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  const keys = Object.keys(v);
  for (const k of keys) {
    if (n++ >= l.maxKeys) {
      out['…'] = `[+${keys.length - l.maxKeys} keys]`;
      break;
    }
    const x = (v as Record<string, unknown>)[k];
    out[k] = isSecretKey(k, l.keys) && x !== null && x !== undefined && typeof x !== 'boolean' ? REDACTED : bound(x, l, depth + 1);
  }
  return out;
}

function isSecretKey(k: string, extra: readonly string[] | undefined): boolean {
  if (SECRET_KEY.test(k)) return true;
  if (!extra || extra.length === 0) return false;
  const lk = k.toLowerCase();
  return extra.some((e) => lk.includes(e));
}

/** Redaction as the policy's `audit:` section asks (see section.ts); the defaults without one. */
export function policyRedactor(section: { redact_keys?: string[]; store_args?: boolean; max_string?: number } | undefined): Redactor {
  if (!section) return (a) => redactAction(a);
  const limits: RedactLimits = {
    ...DEFAULT_REDACT_LIMITS,
    ...(section.max_string !== undefined ? { maxString: section.max_string } : {}),
    keys: (section.redact_keys ?? []).map((k) => k.toLowerCase()),
  };
  if (section.store_args === false) {
    return (a) => {
      const { args, context, ...rest } = a;
      return redactAction({ ...rest, ...(args !== undefined ? { args: { '[omitted by policy]': Object.keys(args).length } } : {}) }, limits);
    };
  }
  return (a) => redactAction(a, limits);
}
