// The types every part of AgentWall shares: what an agent wants to do (Action),
// who wants it (Principal) and what the firewall says about it (Decision).
// Adapters translate foreign shapes into an Action; everything downstream
// speaks only these types.

/** The three outcomes, ordered by precedence: deny > ask > allow. */
export type Effect = 'allow' | 'deny' | 'ask';

/** Numeric rank for precedence comparisons: higher wins. */
export const EFFECT_RANK: Readonly<Record<Effect, number>> = { allow: 0, ask: 1, deny: 2 };

export const EFFECTS: readonly Effect[] = ['allow', 'ask', 'deny'];

/** Action kinds the firewall understands. Anything else is denied (fail closed). */
export const ACTION_KINDS = [
  'tool',
  'shell',
  'file.read',
  'file.write',
  'file.delete',
  'http',
  'sql',
  'mcp',
  'message',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const KNOWN_KINDS: ReadonlySet<string> = new Set(ACTION_KINDS);
export function isActionKind(kind: string): kind is ActionKind {
  return KNOWN_KINDS.has(kind);
}

/** Who is acting: an agent, with roles (RBAC) and attributes (how it authenticated, team, ...). */
export interface Principal {
  id: string;
  roles?: string[];
  attributes?: Record<string, unknown>;
}

/**
 * One thing an agent attempts. Conventions for `args` per kind (adapters fill these):
 * - shell:      { command: string, cwd?: string }
 * - file.*:     { path: string, content?: string }
 * - http:       { url: string, method?: string, body?: unknown }
 * - sql:        { query: string, dialect?: 'postgres' | 'sqlite' | 'mysql' }
 * - mcp:        { server: string, tool: string, arguments: object }  (tool also in `tool`)
 * - message:    { to: string, text: string }
 * - tool:       the tool's own arguments
 */
export interface Action {
  kind: string;
  tool?: string;
  args?: Record<string, unknown>;
  principal?: Principal;
  session?: string;
  context?: Record<string, unknown>;
}

/** What the firewall decided, and why. */
export interface Decision {
  effect: Effect;
  /** Ids of the rules that decided the effect; empty when the default applied. */
  rules: string[];
  /** Human-readable reasons, meant to be shown to the model so it can correct itself. */
  reasons: string[];
  /** sha256 of the canonical policy bundle that decided. */
  policyDigest: string;
  /** Evaluation time in nanoseconds. */
  evalNs: number;
  /** Set when monitor-mode rules (or a monitor-mode policy) would have decided differently. */
  monitor?: { effect: Effect; rules: string[]; reasons: string[] };
  /** Approval requirements of the deciding ask rules (strictest of each). */
  approval?: ApprovalRequirement;
  /** Errors met during evaluation; each one made the decision stricter, never looser. */
  errors?: string[];
}

export interface ApprovalRequirement {
  approvers: number;
  timeoutMs: number;
}

/** Bounds on a single action; anything beyond is refused with a clear error. */
export interface ActionLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_ACTION_LIMITS: ActionLimits = { maxBytes: 1024 * 1024, maxDepth: 64 };

/**
 * Checks that an untrusted value has the shape of an Action and respects the bounds.
 * Returns a list of problems, each naming the field; empty means valid.
 * Iterative, so hostile nesting cannot overflow the stack.
 */
export function checkAction(value: unknown, limits: ActionLimits = DEFAULT_ACTION_LIMITS): string[] {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return ['action: expected an object'];
  }
  const a = value as Record<string, unknown>;
  if (typeof a.kind !== 'string' || a.kind === '') problems.push('action.kind: expected a non-empty string');
  else if (!isActionKind(a.kind)) problems.push(`action.kind: unknown kind '${clip(a.kind)}' (known: ${ACTION_KINDS.join(', ')})`);
  if (a.tool !== undefined && typeof a.tool !== 'string') problems.push('action.tool: expected a string');
  if (a.session !== undefined && typeof a.session !== 'string') problems.push('action.session: expected a string');
  for (const field of ['args', 'context'] as const) {
    const v = a[field];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      problems.push(`action.${field}: expected an object`);
    }
  }
  if (a.principal !== undefined) {
    const p = a.principal as Record<string, unknown>;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) problems.push('action.principal: expected an object');
    else {
      if (typeof p.id !== 'string') problems.push('action.principal.id: expected a string');
      if (p.roles !== undefined && (!Array.isArray(p.roles) || p.roles.some((r) => typeof r !== 'string'))) {
        problems.push('action.principal.roles: expected a list of strings');
      }
      if (p.attributes !== undefined && (p.attributes === null || typeof p.attributes !== 'object' || Array.isArray(p.attributes))) {
        problems.push('action.principal.attributes: expected an object');
      }
    }
  }
  const bound = measure(a, limits);
  if (bound) problems.push(bound);
  return problems;
}

/**
 * Walks the value once, stopping at the first bound exceeded. Recursion is
 * bounded by maxDepth, and the path of a problem is only built on failure,
 * so a valid action costs no allocation.
 */
function measure(root: unknown, limits: ActionLimits): string | undefined {
  const state = { bytes: 0, problem: '' };
  const path: Array<string | number> = [];
  if (walk(root, 0, limits, state, path)) return undefined;
  const where = ['action', ...path.reverse()].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `${where}: ${state.problem}`;
}

/** Returns false on the first problem, pushing the failing path (innermost first) on unwind. */
function walk(v: unknown, depth: number, limits: ActionLimits, st: { bytes: number; problem: string }, path: Array<string | number>): boolean {
  switch (typeof v) {
    case 'string':
      st.bytes += v.length;
      break;
    case 'number':
    case 'boolean':
    case 'undefined':
      st.bytes += 8;
      break;
    case 'object': {
      if (v === null) {
        st.bytes += 8;
        break;
      }
      if (depth >= limits.maxDepth) {
        st.problem = `nested deeper than ${limits.maxDepth} levels`;
        return false;
      }
      if (Array.isArray(v)) {
        st.bytes += 2 + v.length;
        for (let i = 0; i < v.length; i++) {
          if (!walk(v[i], depth + 1, limits, st, path)) {
            path.push(i);
            return false;
          }
        }
      } else {
        for (const k in v) {
          if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
          st.bytes += k.length + 4;
          if (!walk((v as Record<string, unknown>)[k], depth + 1, limits, st, path)) {
            path.push(k);
            return false;
          }
        }
      }
      break;
    }
    default:
      st.problem = `unsupported value of type ${typeof v}`;
      return false;
  }
  if (st.bytes > limits.maxBytes) {
    st.problem = `action larger than ${limits.maxBytes} bytes`;
    return false;
  }
  return true;
}

function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
