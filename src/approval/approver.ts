// The firewall's Approver backed by the persistent queue: an `ask` creates a
// pending approval (or joins an identical one), announces it, and waits until
// it is approved, denied or times out. Answers given in another process (the
// CLI) are seen by polling the store every `pollMs`; answers given through this
// process's queue arrive at once. Waiting is bounded: at most `maxWaiters`
// callers wait at a time, each at most its rule's timeout; a timeout, a full
// queue, a closed approver or a store error all answer deny.
//
//   const approver = new QueueApprover(queue, { webhook: { url } });
//   const fw = await createFirewall({ policy, approver });
//   fw.onDecision(auditDecisions(log));
//   fw.onDecision(approver.listener());   // last: lets approvers see the facts

import type { Action, Decision } from '../action.ts';
import type { Approver, DecisionListener } from '../firewall.ts';
import { ApprovalError } from './errors.ts';
import { fmtMs, type ApprovalQueue } from './queue.ts';
import type { ApprovalAnswer, ApprovalRequest } from './types.ts';
import { Webhook, type WebhookOptions } from './webhook.ts';

export interface ApproverOptions {
  /** How often waiters look for answers given by other processes (default 200 ms). */
  pollMs?: number;
  maxWaiters?: number;
  webhook?: WebhookOptions;
  onError?: (message: string) => void;
}

/** setTimeout's largest delay; longer waits are ended by the poller. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  id: string;
  resolve: (a: ApprovalAnswer) => void;
  timer: NodeJS.Timeout;
}

export class QueueApprover implements Approver {
  private readonly waiters = new Map<string, Waiter[]>();
  private count = 0;
  private poller: NodeJS.Timeout | undefined;
  private readonly facts = new WeakMap<Decision, Record<string, unknown>>();
  private readonly webhook: Webhook | undefined;
  private readonly onError: (m: string) => void;
  private readonly pollMs: number;
  private readonly maxWaiters: number;
  private readonly unsubscribe: () => void;
  private closed = false;
  /** Last webhook post, for tests and graceful shutdown. */
  lastAnnouncement: Promise<void> = Promise.resolve();

  constructor(readonly queue: ApprovalQueue, private readonly opts: ApproverOptions = {}) {
    this.onError = opts.onError ?? ((m) => process.stderr.write(`agentwall: approvals: ${m}\n`));
    this.webhook = opts.webhook ? new Webhook(opts.webhook, this.onError) : undefined;
    this.pollMs = Math.max(10, opts.pollMs ?? 200);
    this.maxWaiters = Math.max(1, opts.maxWaiters ?? 1000);
    this.unsubscribe = queue.onResolved((a) => this.settle(a));
  }

  /** A decision listener that keeps the facts of `ask` decisions so approvers can see them. Register it last. */
  listener(): DecisionListener {
    return (event) => {
      if (event.decision.effect === 'ask') this.facts.set(event.decision, event.facts);
    };
  }

  async request(action: Action, decision: Decision): Promise<ApprovalAnswer> {
    if (this.closed) return { effect: 'deny', reason: 'approval queue is closed' };
    let req: ApprovalRequest;
    try {
      const reuse = this.queue.findReusable(action);
      if (reuse && 'remembered' in reuse) {
        this.queue.notePass(action, reuse.remembered, 'remembered');
        return { effect: 'allow', reason: `approved earlier in this session (approval ${reuse.remembered}, remembered for the session)`, id: reuse.remembered };
      }
      if (reuse && reuse.approval.status === 'approved') {
        this.queue.consume(reuse.approval.id);
        this.queue.notePass(action, reuse.approval.id, 'reused');
        return answerOf(reuse.approval);
      }
      if (reuse) req = reuse.approval;
      else {
        if (this.count >= this.maxWaiters) return { effect: 'deny', reason: `too many actions waiting for approval (${this.count})` };
        req = this.queue.create(action, decision, this.facts.get(decision));
        if (this.webhook) this.lastAnnouncement = this.webhook.announce(req);
      }
    } catch (e) {
      const why = e instanceof ApprovalError ? e.message : `approval store error: ${(e as Error).message}`;
      return { effect: 'deny', reason: why };
    }
    return this.wait(req.id);
  }

  /** Waits for an existing approval (e.g. one still pending after a restart). */
  wait(id: string): Promise<ApprovalAnswer> {
    if (this.closed) return Promise.resolve({ effect: 'deny', reason: 'approval queue is closed', id });
    if (this.count >= this.maxWaiters) return Promise.resolve({ effect: 'deny', reason: `too many actions waiting for approval (${this.count})`, id });
    let st: { expiresAt: number } | undefined;
    try {
      const now = this.check(id);
      if (now) return Promise.resolve(now);
      st = this.queue.status(id);
    } catch (e) {
      return Promise.resolve({ effect: 'deny', reason: `approval ${id} could not be read: ${(e as Error).message}`, id });
    }
    if (!st) return Promise.resolve({ effect: 'deny', reason: `no approval with id '${id}'`, id });
    const deadline = st.expiresAt;
    return new Promise((resolve) => {
      const w: Waiter = {
        id,
        resolve,
        // Wake up exactly at the deadline rather than up to pollMs later.
        timer: setTimeout(() => this.poll(id), Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now()) + 5)),
      };
      const list = this.waiters.get(id) ?? [];
      list.push(w);
      this.waiters.set(id, list);
      this.count++;
      this.poller ??= setInterval(() => this.pollAll(), this.pollMs);
    });
  }

  /** Number of callers currently waiting. */
  get waiting(): number {
    return this.count;
  }

  /** Stops polling; callers still waiting are answered deny (their approvals stay pending in the store). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const [id, list] of this.waiters) {
      for (const w of list) {
        clearTimeout(w.timer);
        w.resolve({ effect: 'deny', reason: 'approval queue closed while waiting', id });
      }
    }
    this.waiters.clear();
    this.count = 0;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private pollAll(): void {
    for (const id of [...this.waiters.keys()]) this.poll(id);
  }

  private poll(id: string): void {
    if (!this.waiters.has(id)) return;
    try {
      const a = this.check(id);
      if (a) this.finish(id, a);
    } catch (e) {
      this.onError(`cannot read approval ${id}: ${(e as Error).message}`);
      const st = safeStatus(this.queue, id);
      if (!st || st.expiresAt <= Date.now()) this.finish(id, { effect: 'deny', reason: `approval ${id} could not be read: ${(e as Error).message}`, id });
    }
  }

  /** The answer if the approval is resolved (expiring it when due), else undefined. */
  private check(id: string): ApprovalAnswer | undefined {
    let st = this.queue.status(id);
    if (!st) return { effect: 'deny', reason: `approval ${id} disappeared from the store`, id };
    if (st.status === 'pending' && st.expiresAt <= Date.now()) {
      this.queue.expire(id);
      st = this.queue.status(id)!;
    }
    if (st.status === 'pending') return undefined;
    const req = this.queue.get(id)!;
    if (req.status === 'approved') this.queue.consume(id);
    return answerOf(req);
  }

  private settle(a: ApprovalRequest): void {
    if (a.status === 'pending' || !this.waiters.has(a.id)) return;
    if (a.status === 'approved') this.queue.consume(a.id);
    this.finish(a.id, answerOf(a));
  }

  private finish(id: string, answer: ApprovalAnswer): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const w of list) {
      clearTimeout(w.timer);
      this.count--;
      w.resolve(answer);
    }
    if (this.waiters.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }
}

function answerOf(a: ApprovalRequest): ApprovalAnswer {
  const by = a.votes.filter((v) => (a.status === 'approved' ? v.vote === 'approve' : v.vote === 'deny')).map((v) => v.approver);
  if (a.status === 'approved') return { effect: 'allow', reason: `approval ${a.id}: ${a.outcome ?? 'approved'}`, by, id: a.id };
  if (a.status === 'expired') return { effect: 'deny', reason: `approval ${a.id}: ${a.outcome ?? `timed out after ${fmtMs(a.expiresAt - a.createdAt)}`}`, id: a.id };
  return { effect: 'deny', reason: `approval ${a.id}: ${a.outcome ?? 'denied'}`, by, id: a.id };
}

function safeStatus(q: ApprovalQueue, id: string) {
  try {
    return q.status(id);
  } catch {
    return undefined;
  }
}
