// The approval queue, persisted in the embedded store so that pending
// approvals survive a restart and any process (the agent's, the CLI) can see
// and answer them. Rules enforced here, inside write transactions, so they
// hold across processes:
// - only a pending, unexpired approval takes votes; an expired one is marked
//   expired (= deny) by whoever notices first;
// - the requesting agent never approves itself (approver id = principal id);
// - each approver votes once; `required` distinct approvals approve, a single
//   deny denies;
// - "remember for this session" holds when every approving vote asked for it,
//   and lets later identical actions of the same agent in that session pass.
// Every creation, vote and resolution is also appended to the audit log.

import { randomBytes } from 'node:crypto';
import type { Action, Decision } from '../action.ts';
import type { Store } from '../store/index.ts';
import type { AuditLog } from '../audit/log.ts';
import { canonicalJson } from '../audit/canonical.ts';
import { redactAction, type Redactor } from '../audit/redact.ts';
import { ApprovalError } from './errors.ts';
import { actionDigest } from './digest.ts';
import type { ApprovalRequest, ApprovalStatus, Vote } from './types.ts';

export interface QueueOptions {
  /** Appends approval events to this audit log. */
  audit?: AuditLog;
  redact?: Redactor;
  /** Refuse new requests beyond this many pending approvals. */
  maxPending?: number;
  /** Upper bound on any rule's timeout. */
  maxTimeoutMs?: number;
  /** Timeout when the decision carries none. */
  defaultTimeoutMs?: number;
  /** When set, only these approver ids may vote (stored with each request, so every process enforces it). */
  allowedApprovers?: string[];
  /** Bytes of facts kept per approval. */
  maxFactsBytes?: number;
  now?: () => number;
}

interface Row {
  id: string;
  created_at: number;
  expires_at: number;
  status: ApprovalStatus;
  principal: string | null;
  session: string | null;
  kind: string;
  tool: string | null;
  digest: string;
  required: number;
  action: string;
  decision: string;
  facts: string | null;
  resolved_at: number | null;
  outcome: string | null;
  consumed: number;
}

const MAX_REQUIRED = 16;
const MAX_COMMENT = 1000;
const MAX_ID = 256;

export class ApprovalQueue {
  private readonly o: Required<Omit<QueueOptions, 'audit' | 'redact' | 'allowedApprovers' | 'now'>>;
  private readonly now: () => number;
  private readonly redact: Redactor;
  private readonly listeners = new Set<(a: ApprovalRequest) => void>();

  constructor(readonly store: Store, private readonly opts: QueueOptions = {}) {
    this.o = {
      maxPending: opts.maxPending ?? 10_000,
      maxTimeoutMs: opts.maxTimeoutMs ?? 24 * 3_600_000,
      defaultTimeoutMs: opts.defaultTimeoutMs ?? 5 * 60_000,
      maxFactsBytes: opts.maxFactsBytes ?? 64 * 1024,
    };
    this.now = opts.now ?? Date.now;
    this.redact = opts.redact ?? ((a) => redactAction(a));
  }

  /** Called in this process whenever an approval is resolved here (other processes are seen by polling). */
  onResolved(fn: (a: ApprovalRequest) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Creates a pending approval for an `ask` decision. Throws ApprovalError('QUEUE_FULL'). */
  create(action: Action, decision: Decision, facts?: Record<string, unknown>): ApprovalRequest {
    const now = this.now();
    const timeout = Math.min(Math.max(0, decision.approval?.timeoutMs ?? this.o.defaultTimeoutMs), this.o.maxTimeoutMs);
    const required = Math.min(Math.max(1, Math.floor(decision.approval?.approvers ?? 1)), MAX_REQUIRED);
    const id = newId();
    let factsJson: string | null = null;
    if (facts && Object.keys(facts).length > 0) {
      factsJson = canonicalJson(redactAction(facts as never));
      if (factsJson.length > this.o.maxFactsBytes) factsJson = JSON.stringify({ truncated: true, bytes: factsJson.length });
    }
    const info = {
      rules: decision.rules,
      reasons: decision.reasons,
      policyDigest: decision.policyDigest,
      ...(this.opts.allowedApprovers ? { allowedApprovers: this.opts.allowedApprovers } : {}),
    };
    const db = this.store.db;
    db.transaction(() => {
      const pending = (db.prepare("SELECT count(*) AS n FROM approvals WHERE status = 'pending'").get() as { n: number }).n;
      if (pending >= this.o.maxPending) throw new ApprovalError('QUEUE_FULL', `approval queue full: ${pending} approvals pending (limit ${this.o.maxPending})`);
      db.prepare(
        `INSERT INTO approvals (id, created_at, expires_at, status, principal, session, kind, tool, digest, required, action, decision, facts)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, now, now + timeout, action.principal?.id ?? null, action.session ?? null, String(action.kind), action.tool ?? null, actionDigest(action), required, canonicalJson(this.redact(action)), JSON.stringify(info), factsJson);
    }).immediate();
    const req = this.get(id)!;
    this.audit(req, 'requested');
    return req;
  }

  get(id: string): ApprovalRequest | undefined {
    const row = this.store.db.prepare('SELECT * FROM approvals WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toRequest(row) : undefined;
  }

  /** Status only, for polling: cheap. */
  status(id: string): { status: ApprovalStatus; expiresAt: number } | undefined {
    const r = this.store.db.prepare('SELECT status, expires_at FROM approvals WHERE id = ?').get(id) as { status: ApprovalStatus; expires_at: number } | undefined;
    return r ? { status: r.status, expiresAt: r.expires_at } : undefined;
  }

  /** Approvals, newest first; pending ones past their timeout are expired first. */
  list(opts: { status?: ApprovalStatus | 'all'; limit?: number } = {}): ApprovalRequest[] {
    this.expireDue();
    const status = opts.status ?? 'pending';
    const limit = Math.min(Math.max(1, opts.limit ?? 100), 10_000);
    const rows = (
      status === 'all'
        ? this.store.db.prepare('SELECT * FROM approvals ORDER BY created_at DESC LIMIT ?').all(limit)
        : this.store.db.prepare('SELECT * FROM approvals WHERE status = ? ORDER BY created_at DESC LIMIT ?').all(status, limit)
    ) as Row[];
    return rows.map((r) => this.toRequest(r));
  }

  approve(id: string, approver: string, opts: { comment?: string; remember?: boolean } = {}): ApprovalRequest {
    return this.vote(id, approver, 'approve', opts.comment, opts.remember ?? false);
  }

  deny(id: string, approver: string, opts: { comment?: string } = {}): ApprovalRequest {
    return this.vote(id, approver, 'deny', opts.comment, false);
  }

  /** Marks every pending approval past its timeout as expired; returns how many. */
  expireDue(): number {
    const now = this.now();
    const due = this.store.db.prepare("SELECT id FROM approvals WHERE status = 'pending' AND expires_at <= ?").all(now) as Array<{ id: string }>;
    let n = 0;
    for (const { id } of due) if (this.expire(id)) n++;
    return n;
  }

  /** Expires one approval if it is pending and due; returns whether this call expired it. */
  expire(id: string): boolean {
    const db = this.store.db;
    const now = this.now();
    const changed = db.transaction(() => {
      const row = db.prepare('SELECT created_at, expires_at, status FROM approvals WHERE id = ?').get(id) as { created_at: number; expires_at: number; status: string } | undefined;
      if (!row || row.status !== 'pending' || row.expires_at > now) return false;
      const outcome = `timed out after ${fmtMs(row.expires_at - row.created_at)} without enough approvals`;
      db.prepare("UPDATE approvals SET status = 'expired', resolved_at = ?, outcome = ? WHERE id = ?").run(now, outcome, id);
      return true;
    }).immediate();
    if (changed) this.resolved(this.get(id)!, 'expired');
    return changed;
  }

  /** An identical request of the same agent in the same session: remembered, pending, or approved and not yet used. */
  findReusable(action: Action): { remembered: string } | { approval: ApprovalRequest } | undefined {
    const digest = actionDigest(action);
    const principal = action.principal?.id ?? null;
    const session = action.session ?? null;
    const db = this.store.db;
    if (principal !== null && session !== null) {
      const r = db.prepare('SELECT approval_id FROM approval_remembered WHERE principal = ? AND session = ? AND digest = ?').get(principal, session, digest) as { approval_id: string } | undefined;
      if (r) return { remembered: r.approval_id };
    }
    const row = db
      .prepare(
        `SELECT * FROM approvals WHERE digest = ? AND expires_at > ? AND (status = 'pending' OR (status = 'approved' AND consumed = 0))
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(digest, this.now()) as Row | undefined;
    return row ? { approval: this.toRequest(row) } : undefined;
  }

  /** Records in the audit log that an action passed on an earlier approval (remembered for the session, or approved while nobody waited). */
  notePass(action: Action, approvalId: string, event: 'remembered' | 'reused'): void {
    const req = this.get(approvalId);
    if (!req) return;
    this.audit({ ...req, principal: action.principal?.id, session: action.session, status: 'approved' }, event);
  }

  /** Marks an approved approval as used; an approval lets one waiting action (and identical ones waiting with it) through. */
  consume(id: string): void {
    this.store.db.prepare('UPDATE approvals SET consumed = 1 WHERE id = ?').run(id);
  }

  private vote(id: string, approverRaw: string, vote: 'approve' | 'deny', commentRaw: string | undefined, remember: boolean): ApprovalRequest {
    const approver = String(approverRaw ?? '').trim();
    if (approver === '' || approver.length > MAX_ID) throw new ApprovalError('BAD_INPUT', `approver id must be 1..${MAX_ID} characters`);
    const comment = commentRaw === undefined ? undefined : String(commentRaw).slice(0, MAX_COMMENT);
    const db = this.store.db;
    const now = this.now();
    let result: 'expired' | 'voted';
    try {
      result = this.voteTx(id, approver, vote, comment, remember, now);
    } catch (e) {
      // Refused votes are security events (an agent trying to approve itself): record them.
      if (e instanceof ApprovalError && (e.code === 'SELF_APPROVAL' || e.code === 'NOT_ALLOWED' || e.code === 'DUPLICATE_VOTE')) {
        const req = this.get(id);
        if (req) this.audit(req, 'vote-refused', { approver, vote, refused: e.code, reason: e.message });
      }
      throw e;
    }
    const req = this.get(id)!;
    if (result === 'expired') {
      this.resolved(req, 'expired');
      throw new ApprovalError('EXPIRED', `approval ${id} ${req.outcome ?? 'timed out'}`);
    }
    this.audit(req, vote === 'approve' ? 'approved-vote' : 'denied-vote', { approver, comment, remember });
    if (req.status !== 'pending') this.resolved(req, req.status);
    return req;
  }

  private voteTx(id: string, approver: string, vote: 'approve' | 'deny', comment: string | undefined, remember: boolean, now: number): 'expired' | 'voted' {
    const db = this.store.db;
    return db.transaction((): 'expired' | 'voted' => {
      const row = db.prepare('SELECT * FROM approvals WHERE id = ?').get(id) as Row | undefined;
      if (!row) throw new ApprovalError('NOT_FOUND', `no approval with id '${id}'`);
      if (row.status !== 'pending') throw new ApprovalError('NOT_PENDING', `approval ${id} is already ${row.status}${row.outcome ? ` (${row.outcome})` : ''}`);
      if (row.expires_at <= now) {
        db.prepare("UPDATE approvals SET status = 'expired', resolved_at = ?, outcome = ? WHERE id = ?").run(now, `timed out after ${fmtMs(row.expires_at - row.created_at)} without enough approvals`, id);
        return 'expired';
      }
      if (row.principal !== null && row.principal === approver) {
        throw new ApprovalError('SELF_APPROVAL', `self-approval refused: '${approver}' is the agent that requested approval ${id}`);
      }
      const info = JSON.parse(row.decision) as { allowedApprovers?: string[] };
      if (info.allowedApprovers && !info.allowedApprovers.includes(approver)) {
        throw new ApprovalError('NOT_ALLOWED', `'${approver}' is not an allowed approver for approval ${id}`);
      }
      const prior = db.prepare('SELECT vote FROM approval_votes WHERE approval_id = ? AND approver = ?').get(id, approver) as { vote: string } | undefined;
      if (prior) throw new ApprovalError('DUPLICATE_VOTE', `'${approver}' already voted (${prior.vote}) on approval ${id}; quorum needs distinct approvers`);
      db.prepare('INSERT INTO approval_votes (approval_id, approver, vote, comment, remember, at) VALUES (?, ?, ?, ?, ?, ?)').run(id, approver, vote, comment ?? null, remember ? 1 : 0, now);
      if (vote === 'deny') {
        db.prepare("UPDATE approvals SET status = 'denied', resolved_at = ?, outcome = ? WHERE id = ?").run(now, `denied by ${approver}${comment ? `: ${comment}` : ''}`, id);
        return 'voted';
      }
      const yes = db.prepare("SELECT approver, remember, comment FROM approval_votes WHERE approval_id = ? AND vote = 'approve' ORDER BY at, approver").all(id) as Array<{ approver: string; remember: number; comment: string | null }>;
      if (yes.length >= row.required) {
        const comments = yes.filter((v) => v.comment).map((v) => `${v.approver}: ${v.comment}`);
        const outcome = `approved by ${yes.map((v) => v.approver).join(', ')}${comments.length ? ` (${comments.join('; ')})` : ''}`;
        db.prepare("UPDATE approvals SET status = 'approved', resolved_at = ?, outcome = ? WHERE id = ?").run(now, outcome, id);
        if (row.principal !== null && row.session !== null && yes.every((v) => v.remember === 1)) {
          db.prepare('INSERT OR REPLACE INTO approval_remembered (principal, session, digest, approval_id, at) VALUES (?, ?, ?, ?, ?)').run(row.principal, row.session, row.digest, id, now);
        }
      }
      return 'voted';
    }).immediate();
  }

  private resolved(req: ApprovalRequest, event: string): void {
    this.audit(req, event);
    for (const fn of this.listeners) {
      try {
        fn(req);
      } catch {
        /* a listener must not break the vote that was committed */
      }
    }
  }

  private audit(req: ApprovalRequest, event: string, extra: Record<string, unknown> = {}): void {
    const log = this.opts.audit;
    if (!log) return;
    try {
      log.append({
        type: 'approval',
        principal: req.principal,
        session: req.session,
        effect: req.status === 'approved' ? 'allow' : req.status === 'pending' ? 'ask' : 'deny',
        tool: req.tool ?? req.kind,
        rules: req.rules,
        data: { event, approval: req.id, status: req.status, required: req.required, outcome: req.outcome, expiresAt: req.expiresAt, ...extra },
      });
    } catch {
      /* the audit log reports its own write failures (onError) and records the loss */
    }
  }

  private toRequest(r: Row): ApprovalRequest {
    const info = JSON.parse(r.decision) as { rules: string[]; reasons: string[]; policyDigest: string; allowedApprovers?: string[] };
    const votes = (this.store.db.prepare('SELECT approver, vote, comment, remember, at FROM approval_votes WHERE approval_id = ? ORDER BY at, approver').all(r.id) as Array<{
      approver: string;
      vote: 'approve' | 'deny';
      comment: string | null;
      remember: number;
      at: number;
    }>).map((v): Vote => ({ approver: v.approver, vote: v.vote, ...(v.comment !== null ? { comment: v.comment } : {}), remember: v.remember === 1, at: v.at }));
    const out: ApprovalRequest = {
      id: r.id,
      status: r.status,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      kind: r.kind,
      required: r.required,
      action: JSON.parse(r.action),
      rules: info.rules,
      reasons: info.reasons,
      policyDigest: info.policyDigest,
      votes,
    };
    if (r.principal !== null) out.principal = r.principal;
    if (r.session !== null) out.session = r.session;
    if (r.tool !== null) out.tool = r.tool;
    if (r.facts !== null) out.facts = JSON.parse(r.facts);
    if (info.allowedApprovers) out.allowedApprovers = info.allowedApprovers;
    if (r.resolved_at !== null) out.resolvedAt = r.resolved_at;
    if (r.outcome !== null) out.outcome = r.outcome;
    return out;
  }
}

function newId(): string {
  // 10 base32 characters: short enough to type in the CLI, 50 bits so ids are not guessable in a useful time.
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const b = randomBytes(10);
  let s = '';
  for (const x of b) s += alphabet[x & 31];
  return s;
}

export function fmtMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}
