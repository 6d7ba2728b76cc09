// The MCP gateway's core, shared by the stdio proxy and the HTTP gateway:
// reviews each server's tools/list against the pinned contracts, decides each
// tools/call through the firewall, and scans what comes back. Transports stay
// in the adapters; policy stays in the firewall (decisions) and the policy's
// `mcp:` section (mappings, what to do with changed, new or poisoned tools).

import type { Action, Decision, Principal } from '../../action.ts';
import type { Approver, Firewall } from '../../firewall.ts';
import { contractDiff, contractHash, contractOf, type ToolContract } from './contract.ts';
import { MemoryPinStore, type PinStore } from './pins.ts';
import { findPoisoning, type PoisonFinding } from './poison.ts';
import { mcpSettings, type McpSettings } from './section.ts';
import { toAction, qualifiedName } from './translate.ts';
import { firewallScanner, safeScan, type TextScanner } from './scanner.ts';
import { scanPromptResult, scanResourceResult, scanToolResult, type Scanned } from './responses.ts';

export type McpEventType = 'tool-pinned' | 'tool-changed' | 'tool-new' | 'tool-poisoned' | 'tool-approved' | 'tool-rejected' | 'tool-removed' | 'call-denied' | 'response-flagged' | 'upstream';

/** What the gateway reports to the operator (stderr, logs). Never carries call arguments or response text. */
export interface McpEvent {
  type: McpEventType;
  server: string;
  tool?: string;
  message: string;
  /** Readable contract diff for changed or new tools. */
  diff?: string;
  findings?: PoisonFinding[];
  effect?: string;
}

export interface GuardOptions {
  firewall: Firewall;
  pins?: PinStore;
  /** Resolves `ask` on changed, new or poisoned contracts (tools/call asks go through the firewall's own approver). */
  approver?: Approver;
  /** Text scanner for responses and descriptions; default: the firewall's scan(). */
  scanner?: TextScanner;
  principal?: Principal;
  session?: string;
  onEvent?: (e: McpEvent) => void;
}

export type ToolStatus = { status: 'visible'; hash: string } | { status: 'withheld'; hash: string; reason: string; pending?: boolean };

interface Withheld {
  tool: string;
  reason: string;
}

const STRICT = { allow: 0, ask: 1, withhold: 2 } as const;

export class McpGuard {
  readonly fw: Firewall;
  readonly pins: PinStore;
  private readonly state = new Map<string, Map<string, ToolStatus>>();
  private readonly stale = new Set<string>();
  /** Contract hashes answered by a human in this process: server/tool#hash -> allowed. */
  private readonly answered = new Map<string, boolean>();
  private readonly pending = new Set<string>();
  private readonly visibility = new Set<(server: string) => void>();
  private cached: { digest: string; settings: McpSettings } | undefined;

  constructor(private readonly opts: GuardOptions) {
    this.fw = opts.firewall;
    this.pins = opts.pins ?? new MemoryPinStore();
  }

  /** The `mcp:` section of the active policy, defaults filled in. */
  settings(): McpSettings {
    const p = this.fw.policy;
    if (this.cached?.digest !== p.digest) this.cached = { digest: p.digest, settings: mcpSettings(p.sections.mcp) };
    return this.cached.settings;
  }

  get scanner(): TextScanner | undefined {
    return this.opts.scanner ?? firewallScanner(this.fw);
  }

  /** Called when a contract approval changes what a server exposes (the adapter sends list_changed). */
  onVisibilityChange(fn: (server: string) => void): () => void {
    this.visibility.add(fn);
    return () => this.visibility.delete(fn);
  }

  /** True when the server's tools must be (re)listed before a call can be decided. */
  needsList(server: string): boolean {
    return !this.state.has(server) || this.stale.has(server);
  }

  /** The upstream said its tools changed: the next call re-reviews them first. */
  markStale(server: string): void {
    this.stale.add(server);
  }

  toolStatus(server: string, tool: string): ToolStatus | undefined {
    return this.state.get(server)?.get(tool);
  }

  /**
   * Reviews one server's tools/list: unchanged pinned tools pass; first sight
   * pins; changed, new or poisoned tools are flagged and withheld, allowed or
   * sent for approval per `mcp.contracts`. Returns the tools the client may see.
   */
  async reviewTools<T extends Record<string, unknown>>(server: string, tools: readonly T[], opts: { merge?: boolean } = {}): Promise<{ visible: T[]; withheld: Withheld[] }> {
    const s = this.settings();
    this.pins.refresh();
    const pinned = this.pins.server(server);
    const firstSight = pinned === undefined || Object.keys(pinned).length === 0;
    // A later page of a paginated list adds to the earlier pages instead of replacing them.
    const next = new Map<string, ToolStatus>(opts.merge ? this.state.get(server) : undefined);
    const seen = new Set<string>();
    const visible: T[] = [];
    const withheld: Withheld[] = [];
    const names = this.otherToolNames(server, tools);
    for (const tool of tools) {
      if (typeof tool.name !== 'string' || tool.name === '') continue;
      const name = tool.name;
      if (seen.has(name)) {
        // A duplicate name would let a second definition hide behind the first one's pin.
        withheld.push({ tool: name, reason: 'listed twice by the server' });
        next.set(name, { status: 'withheld', hash: '', reason: `tool '${name}' is listed twice by server '${server}'` });
        continue;
      }
      seen.add(name);
      const c = contractOf(tool);
      const hash = contractHash(c);
      const pin = pinned?.[name];
      if (pin && pin.hash === hash) {
        next.set(name, { status: 'visible', hash });
        visible.push(tool);
        continue;
      }
      const st = await this.judge(server, name, c, hash, pin?.contract, pin ? 'changed' : firstSight ? 'first' : 'new', names, s);
      next.set(name, st);
      if (st.status === 'visible') visible.push(tool);
      else withheld.push({ tool: name, reason: st.reason });
    }
    const prev = this.state.get(server);
    if (prev && !opts.merge) for (const t of prev.keys()) if (!next.has(t)) this.emit({ type: 'tool-removed', server, tool: t, message: `${server}/${t} is no longer listed` });
    this.state.set(server, next);
    this.stale.delete(server);
    return { visible: visible.filter((t) => next.get(t.name as string)?.status === 'visible'), withheld };
  }

  private otherToolNames(server: string, tools: readonly Record<string, unknown>[]): Set<string> {
    // A server's own tools may name each other ("deprecated: use read_text_file");
    // steering calls to another server's tools is what shadowing looks like.
    void tools;
    const names = new Set<string>();
    for (const [srv, m] of this.state) if (srv !== server) for (const n of m.keys()) names.add(n);
    return names;
  }

  private async judge(server: string, tool: string, c: ToolContract, hash: string, before: ToolContract | undefined, kind: 'first' | 'new' | 'changed', names: Set<string>, s: McpSettings): Promise<ToolStatus> {
    const poison = findPoisoning(c, names);
    const scanner = this.scanner;
    if (scanner && typeof c.description === 'string' && c.description.length > 0) {
      const r = await safeScan(scanner, c.description, { point: 'response', source: `${qualifiedName(server, tool)}#description`, session: this.opts.session });
      // Descriptions are instructions to the model by nature, so the statistical
      // classifier's score is not evidence here; the scanner's pattern findings are.
      for (const f of r.findings) if (f.type === 'injection' && f.action === 'block' && f.rule !== 'classifier') poison.push({ rule: 'scanner', path: 'description', message: `${f.rule}: ${f.message}` });
      for (const e of r.errors ?? []) poison.push({ rule: 'scanner', path: 'description', message: e });
    }
    let effect: 'allow' | 'ask' | 'withhold' = kind === 'first' ? 'allow' : kind === 'new' ? s.onNew : s.onChange;
    if (poison.length > 0 && s.onPoison !== 'warn' && STRICT[s.onPoison] > STRICT[effect]) effect = s.onPoison;
    const q = `${server}/${tool}`;
    const diff = kind === 'first' ? undefined : contractDiff(before, c);
    const what = kind === 'changed' ? `tool contract of ${q} changed since it was pinned` : kind === 'new' ? `new tool ${q} appeared after the server's tools were pinned` : `first sight of ${q}`;
    const poisonText = poison.length ? `; description looks poisoned: ${poison.map((p) => `${p.message} (${p.path})`).join('; ')}` : '';
    if (poison.length) this.emit({ type: 'tool-poisoned', server, tool, message: `${q}: ${poison.map((p) => p.message).join('; ')}`, findings: poison, effect });
    if (kind !== 'first') this.emit({ type: kind === 'changed' ? 'tool-changed' : 'tool-new', server, tool, message: `${what} (${effect})`, diff, effect });

    const key = `${q}#${hash}`;
    const answer = this.answered.get(key);
    if (answer === true) effect = 'allow';
    if (effect === 'allow') {
      this.pin(server, tool, c, hash, kind === 'first' ? 'first-sight' : answer ? 'accepted' : 'allowed');
      return { status: 'visible', hash };
    }
    const observed = { hash, contract: c, seenAt: Date.now(), reason: `${what}${poisonText}` };
    try {
      this.pins.observe(server, tool, observed);
    } catch (e) {
      this.emit({ type: 'upstream', server, tool, message: `could not record the withheld contract of ${q}: ${(e as Error).message}` });
    }
    if (effect === 'withhold' || answer === false) {
      return { status: 'withheld', hash, reason: `${what}${poisonText}; withheld by AgentWall (accept it with: agentwall mcp --accept ${q})` };
    }
    // ask: withhold until a human answers, without blocking the list.
    if (!this.pending.has(key)) this.ask(server, tool, c, hash, kind, `${what}${poisonText}`, diff ?? '', s);
    return { status: 'withheld', hash, pending: true, reason: `${what}${poisonText}; waiting for approval` };
  }

  private ask(server: string, tool: string, c: ToolContract, hash: string, kind: string, why: string, diff: string, s: McpSettings): void {
    const q = `${server}/${tool}`;
    const key = `${q}#${hash}`;
    const approver = this.opts.approver;
    if (!approver) {
      this.answered.set(key, false);
      this.emit({ type: 'tool-rejected', server, tool, message: `${q}: approval required, but no approver is configured` });
      return;
    }
    this.pending.add(key);
    const action: Action = {
      kind: 'mcp',
      tool: qualifiedName(server, tool),
      args: { server, tool, contract: kind, hash },
      context: { mcp: { server, tool, event: `contract-${kind}`, diff } },
      ...(this.opts.principal ? { principal: this.opts.principal } : {}),
      ...(this.opts.session !== undefined ? { session: this.opts.session } : {}),
    };
    const decision: Decision = {
      effect: 'ask',
      rules: ['mcp.contracts'],
      reasons: [why, ...(diff ? [`diff:\n${diff}`] : [])],
      policyDigest: this.fw.policy.digest,
      evalNs: 0,
      approval: { approvers: 1, timeoutMs: s.approvalTimeoutMs },
    };
    void approver
      .request(action, decision)
      .catch((e: Error) => ({ effect: 'deny' as const, reason: `approval failed: ${e.message}` }))
      .then((a) => {
        this.pending.delete(key);
        this.answered.set(key, a.effect === 'allow');
        const st = this.state.get(server)?.get(tool);
        if (a.effect === 'allow') {
          this.pin(server, tool, c, hash, 'accepted');
          if (st && st.hash === hash) this.state.get(server)!.set(tool, { status: 'visible', hash });
          this.emit({ type: 'tool-approved', server, tool, message: `${q}: contract approved (${a.reason})` });
          for (const fn of this.visibility) fn(server);
        } else {
          if (st && st.hash === hash && st.status === 'withheld') this.state.get(server)!.set(tool, { ...st, pending: false, reason: `${why}; approval refused: ${a.reason}` });
          this.emit({ type: 'tool-rejected', server, tool, message: `${q}: contract not approved (${a.reason})` });
        }
      });
  }

  private pin(server: string, tool: string, contract: ToolContract, hash: string, via: 'first-sight' | 'accepted' | 'allowed'): void {
    try {
      this.pins.set(server, tool, { hash, contract, pinnedAt: Date.now(), via });
      if (via === 'first-sight') this.emit({ type: 'tool-pinned', server, tool, message: `pinned ${server}/${tool} (${hash.slice(0, 19)})` });
    } catch (e) {
      this.emit({ type: 'upstream', server, tool, message: `could not persist the pin of ${server}/${tool}: ${(e as Error).message}` });
    }
  }

  /**
   * Decides one tools/call. A withheld or unknown tool is denied without
   * asking the firewall; otherwise the firewall decides (and an `ask` waits
   * for its approver). Never throws.
   */
  async authorizeCall(server: string, tool: string, args: unknown, ctx: { session?: string; principal?: Principal } = {}): Promise<{ action?: Action; decision: Decision }> {
    const st = this.toolStatus(server, tool);
    if (!st) return { decision: this.denial(`unknown tool '${tool}' on server '${server}' (not in its tools/list)`, 'mcp.unknown-tool') };
    if (st.status === 'withheld' && !this.acceptedSince(server, tool, st)) return { decision: this.denial(st.reason, 'mcp.contracts') };
    if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
      return { decision: this.denial('tool arguments must be an object', 'mcp.arguments') };
    }
    let action: Action;
    try {
      action = toAction(server, tool, (args ?? {}) as Record<string, unknown>, this.settings().mappings, { principal: ctx.principal ?? this.opts.principal, session: ctx.session ?? this.opts.session });
    } catch (e) {
      return { decision: this.denial(`could not translate the call: ${(e as Error).message}`, 'mcp.translate') };
    }
    const decision = await this.fw.authorize(action);
    if (decision.effect !== 'allow') this.emit({ type: 'call-denied', server, tool, message: `${server}/${tool}: ${decision.effect} (${decision.rules.join(', ') || 'default'}): ${decision.reasons.join('; ')}`, effect: decision.effect });
    return { action, decision };
  }

  /** An operator may have accepted the withheld contract from another process since the last list. */
  private acceptedSince(server: string, tool: string, st: ToolStatus): boolean {
    if (st.hash === '') return false;
    this.pins.refresh();
    if (this.pins.server(server)?.[tool]?.hash !== st.hash) return false;
    this.state.get(server)?.set(tool, { status: 'visible', hash: st.hash });
    return true;
  }

  private denial(reason: string, rule: string): Decision {
    return { effect: 'deny', rules: [rule], reasons: [reason], policyDigest: this.fw.policy.digest, evalNs: 0 };
  }

  /** A tools/call result as the client gets it: scanned (block becomes a tool error). */
  async toolResult(server: string, tool: string, result: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await this.scan(server, tool, result, scanToolResult);
    return r.ok ? r.value : blockedResult(`AgentWall withheld the response of ${server}/${tool}: ${r.reason}`);
  }

  /** resources/read: scanned; undefined + reason on block (the adapter answers with an error). */
  async resourceResult(server: string, uri: string, result: Record<string, unknown>): Promise<Scanned<Record<string, unknown>>> {
    return this.scan(server, `resource ${uri}`, result, scanResourceResult);
  }

  async promptResult(server: string, prompt: string, result: Record<string, unknown>): Promise<Scanned<Record<string, unknown>>> {
    return this.scan(server, `prompt ${prompt}`, result, scanPromptResult);
  }

  private async scan(server: string, what: string, result: Record<string, unknown>, fn: typeof scanToolResult): Promise<Scanned<Record<string, unknown>>> {
    const scanner = this.scanner;
    if (!scanner || !this.settings().scanResponses) return { ok: true, value: result, outcome: { verdict: 'allow', findings: [], errors: [] } };
    const source = what.includes(' ') ? `${server}:${what}` : qualifiedName(server, what);
    let r: Scanned<Record<string, unknown>>;
    try {
      r = await fn(result, { scanner, source, session: this.opts.session });
    } catch (e) {
      r = { ok: false, reason: `response scan failed: ${(e as Error).message}`, outcome: { verdict: 'block', findings: [], errors: [(e as Error).message] } };
    }
    if (r.outcome.verdict !== 'allow') {
      this.emit({ type: 'response-flagged', server, tool: what, message: `${source}: response ${r.outcome.verdict} (${r.outcome.findings.map((f) => `${f.type}/${f.rule}`).join(', ') || r.outcome.errors.join('; ')})`, effect: r.outcome.verdict });
    }
    return r;
  }

  emit(e: McpEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      /* a failing event sink must not change what the gateway forwards */
    }
  }
}

/** The MCP shape of a refusal: a tool result with isError, so the model reads the reason and can adapt. */
export function blockedResult(text: string, decision?: Decision): Record<string, unknown> {
  return {
    content: [{ type: 'text', text }],
    isError: true,
    ...(decision ? { _meta: { 'agentwall/decision': { effect: decision.effect, rules: decision.rules, policyDigest: decision.policyDigest } } } : {}),
  };
}

export function denialText(server: string, tool: string, d: Decision): string {
  return `AgentWall blocked ${server}/${tool}: ${d.reasons.join('; ') || d.effect}`;
}
