// The shapes of the approval queue: a pending (or resolved) approval as
// approvers see it, and their votes.

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface Vote {
  approver: string;
  vote: 'approve' | 'deny';
  comment?: string;
  remember: boolean;
  at: number;
}

export interface ApprovalRequest {
  id: string;
  status: ApprovalStatus;
  createdAt: number;
  expiresAt: number;
  /** The requesting agent (never allowed to approve). */
  principal?: string;
  session?: string;
  kind: string;
  tool?: string;
  /** Distinct approvers needed. */
  required: number;
  /** The action, redacted (secret-looking values masked, sizes bounded). */
  action: unknown;
  rules: string[];
  reasons: string[];
  policyDigest: string;
  /** Analyzer facts of the decision, bounded; absent when not captured. */
  facts?: unknown;
  /** When set, only these approver ids may vote. */
  allowedApprovers?: string[];
  votes: Vote[];
  resolvedAt?: number;
  /** Why it ended as it did ("approved by alice, bob", "timed out after 60s", ...). */
  outcome?: string;
}

/** What a waiting caller gets. */
export interface ApprovalAnswer {
  effect: 'allow' | 'deny';
  reason: string;
  by?: string[];
  id?: string;
}
