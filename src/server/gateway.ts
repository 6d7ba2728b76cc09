// The gateway's state and wiring, independent of HTTP: one firewall (with the
// queue-backed approver), the embedded store, the audit log in batch
// durability, the approval queue, API keys, rate limits, metrics and the live
// feed. Routes (app.ts, routes/) only translate HTTP to calls on these.
//
// Audit durability: decisions are appended in batch mode; records are
// committed every `auditFlushMs` (default 20 ms). A kill -9 loses at most the
// records of the last flush interval; a normal exit (SIGINT, SIGTERM, close())
// flushes everything and signs a checkpoint. Pass durability 'sync' to commit
// each record before the decision is returned (slower, nothing lost).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFirewall, type Firewall } from '../firewall.ts';
import type { Action, Decision } from '../action.ts';
import { PolicyError, type PolicyIssue } from '../policy/errors.ts';
import type { CompiledPolicy } from '../policy/compile.ts';
import { openStore, type Store } from '../store/index.ts';
import { AuditLog, attachAudit, type Durability } from '../audit/index.ts';
import { ApprovalQueue, QueueApprover } from '../approval/index.ts';
import { KeyStore } from './auth.ts';
import { RateLimiter } from './ratelimit.ts';
import { Metrics } from './metrics.ts';
import { Feed } from './feed.ts';
import { loadExtensions, type Extensions } from './extensions.ts';
import { ApprovalWaits } from './waits.ts';
import { mountMcp, type McpMount } from './mcp.ts';

export interface GatewayOptions {
  /** Policy files or directories (reload re-reads them), or inline YAML text. */
  policy: string | string[];
  dataDir?: string;
  durability?: Durability;
  auditFlushMs?: number;
  /** How often approval waiters look for answers given by another process (the CLI). */
  approvalPollMs?: number;
  maxApprovalWaiters?: number;
  feedCapacity?: number;
  maxSseClients?: number;
  /** Re-read the key file when it changes (default true). */
  watchKeys?: boolean;
  /**
   * Load the session layer (per-session state for session rules, agent
   * profiles); default true. Off, session rules see no history and /v1/profiles
   * answers 501, and memory no longer grows with the number of sessions.
   */
  extensions?: boolean;
  /** MCP gateway config (upstreams) to serve at /mcp. */
  mcpConfig?: string;
}

export interface PolicyState {
  compiled: CompiledPolicy;
  loadedAt: number;
  /** Where it came from: file paths, or '<api>' for text posted to /v1/policy/reload. */
  origin: string[];
  sources: Array<{ file: string; text: string }>;
  /** Problems of the last rejected reload (the old policy stayed active). */
  lastError?: { at: number; message: string; issues: PolicyIssue[] };
}

export class Gateway {
  readonly started = Date.now();
  policyState: PolicyState;
  readonly waits: ApprovalWaits;
  mcp: McpMount | undefined;
  private closed = false;

  private constructor(
    readonly fw: Firewall,
    readonly store: Store,
    readonly log: AuditLog,
    readonly queue: ApprovalQueue,
    readonly approver: QueueApprover,
    readonly keys: KeyStore,
    readonly limiter: RateLimiter,
    readonly metrics: Metrics,
    readonly feed: Feed,
    readonly ext: Extensions,
    readonly policyPaths: string[],
  ) {
    this.waits = new ApprovalWaits(queue);
    this.policyState = { compiled: fw.policy, loadedAt: Date.now(), origin: policyPaths, sources: readSources(policyPaths) };
  }

  static async create(opts: GatewayOptions): Promise<Gateway> {
    const paths = Array.isArray(opts.policy) ? opts.policy : [opts.policy];
    const store = openStore({ dataDir: opts.dataDir });
    let log: AuditLog | undefined;
    let approver: QueueApprover | undefined;
    let keys: KeyStore | undefined;
    try {
      // Batch commits run on a writer thread: hashing and SQLite work stay off the thread that answers requests.
      log = new AuditLog(store, { durability: opts.durability ?? 'batch', writer: 'thread', flushMs: opts.auditFlushMs ?? 20, batchSize: 1000 });
      const started = log.ready();
      const queue = new ApprovalQueue(store, { audit: log });
      approver = new QueueApprover(queue, { pollMs: opts.approvalPollMs ?? 250, maxWaiters: opts.maxApprovalWaiters ?? 1000 });
      const ext = opts.extensions === false ? {} : await loadExtensions();
      const session = ext.session?.provider;
      const fw = await createFirewall({ policy: paths, approver, ...(session ? { session } : {}) });
      keys = new KeyStore(store.dataDir);
      const feed = new Feed(opts.feedCapacity ?? 1000, 360, opts.maxSseClients ?? 100);
      const a = approver;
      const k = keys;
      const l = log;
      const gwRef: { current?: Gateway } = {};
      const metrics = new Metrics({
        approvalsPending: () => (store.db.prepare("SELECT count(*) AS n FROM approvals WHERE status = 'pending'").get() as { n: number }).n,
        approvalWaiters: () => a.waiting + (gwRef.current?.waits.size ?? 0),
        auditBuffered: () => l.pending,
        auditHealthy: () => l.healthy,
        sseClients: () => feed.clientCount,
        keys: () => k.count,
      });
      // Decisions, the policy loaded now and every reload; the policy's audit: section redacts.
      attachAudit(fw, log, { by: 'gateway' });
      fw.onDecision((e) => {
        metrics.decision(e.decision);
        feed.add(e.action, e.decision);
        if (e.decision.effect === 'ask') feed.publish('approval', { event: 'requested', principal: e.action.principal?.id, tool: e.action.tool ?? e.action.kind });
      });
      // Last, so the approver sees the final decision and keeps its facts for the approval.
      fw.onDecision(approver.listener());
      queue.onResolved((r) => feed.publish('approval', { event: 'resolved', id: r.id, status: r.status, outcome: r.outcome }));
      if (opts.watchKeys !== false) keys.watch();
      await started;
      const gw = new Gateway(fw, store, log, queue, approver, keys, new RateLimiter(), metrics, feed, ext, paths);
      gwRef.current = gw;
      if (opts.mcpConfig) {
        try {
          gw.mcp = await mountMcp(gw, opts.mcpConfig);
        } catch (e) {
          await gw.close();
          throw e;
        }
      }
      return gw;
    } catch (e) {
      approver?.close();
      keys?.close();
      log?.close();
      store.close();
      throw e;
    }
  }

  /**
   * Swaps in a new policy (text, or the original paths re-read) atomically.
   * A bad policy throws PolicyError and the old one stays; the problems are
   * kept for the dashboard. Both outcomes are written to the audit log.
   */
  reload(text?: string, by?: string): CompiledPolicy {
    const before = this.fw.policy.digest;
    try {
      // A one-line text would be taken for a file path by the loader: keep it text.
      const next = this.fw.reload(text !== undefined ? (text.includes('\n') ? text : `${text}\n`) : this.policyPaths);
      this.policyState = {
        compiled: next,
        loadedAt: Date.now(),
        origin: text ? ['<api>'] : this.policyPaths,
        sources: text ? [{ file: '<api>', text }] : readSources(this.policyPaths),
      };
      this.metrics.policyReloads.ok++;
      this.audit({ event: 'reloaded', from: before, to: next.digest, rules: next.rules.length, by });
      this.feed.publish('policy', { event: 'reloaded', digest: next.digest });
      return next;
    } catch (e) {
      const issues = e instanceof PolicyError ? e.issues : [{ path: [], message: (e as Error).message }];
      this.policyState = { ...this.policyState, lastError: { at: Date.now(), message: (e as Error).message, issues } };
      this.metrics.policyReloads.failed++;
      this.audit({ event: 'reload-rejected', active: before, problems: issues.length, by });
      this.feed.publish('policy', { event: 'rejected', problems: issues.length });
      throw e;
    }
  }

  /** Decides one action (no waiting); the hot path. */
  decide(action: Action): Decision {
    return this.fw.guard(action);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed.close();
    this.waits.close();
    this.approver.close();
    this.keys.close();
    try {
      await this.mcp?.close();
    } catch {
      /* best effort */
    }
    try {
      await this.ext.close?.();
    } catch {
      /* best effort */
    }
    this.log.close();
    this.store.close();
  }

  private audit(data: Record<string, unknown>): void {
    try {
      this.log.append({ type: 'policy', principal: typeof data.by === 'string' ? data.by : undefined, data });
    } catch {
      /* the audit log reports its own failures */
    }
  }
}

/** The text of each policy file loaded, for the dashboard (directories expand to their policy files). */
function readSources(paths: string[]): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const p of paths) {
    if (p.includes('\n')) {
      out.push({ file: '<inline>', text: p });
      continue;
    }
    try {
      if (statSync(p).isDirectory()) {
        for (const f of readdirSync(p).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) out.push({ file: join(p, f), text: readFileSync(join(p, f), 'utf8').slice(0, 1024 * 1024) });
      } else out.push({ file: p, text: readFileSync(p, 'utf8').slice(0, 1024 * 1024) });
    } catch {
      /* shown as missing; the policy itself loaded, so this only affects the display */
    }
  }
  return out;
}
