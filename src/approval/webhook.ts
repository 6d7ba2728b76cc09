// Announces each new pending approval with a JSON POST to a configured URL
// (chat bridge, pager, ticketing). The payload says who wants what and why,
// never the action's arguments (they may hold secrets); approvers open it with
// `agentwall approvals show <id>`. Posts are fire-and-forget with a bounded
// timeout and a bounded number in flight, so a slow receiver never delays a
// decision; failures are reported, with the URL reduced to origin and path.

import type { ApprovalRequest } from './types.ts';

export interface WebhookOptions {
  url: string;
  /** Per-request timeout (default 3000 ms). */
  timeoutMs?: number;
  /** Extra headers (e.g. a receiver's routing key). Never logged. */
  headers?: Record<string, string>;
  /** At most this many posts in flight; further ones are dropped and reported (default 16). */
  maxInFlight?: number;
}

export interface WebhookPayload {
  event: 'approval.pending';
  id: string;
  createdAt: string;
  expiresAt: string;
  required: number;
  principal?: string;
  session?: string;
  kind: string;
  tool?: string;
  rules: string[];
  reasons: string[];
  policyDigest: string;
  show: string;
}

export function webhookPayload(a: ApprovalRequest): WebhookPayload {
  return {
    event: 'approval.pending',
    id: a.id,
    createdAt: new Date(a.createdAt).toISOString(),
    expiresAt: new Date(a.expiresAt).toISOString(),
    required: a.required,
    ...(a.principal !== undefined ? { principal: a.principal } : {}),
    ...(a.session !== undefined ? { session: a.session } : {}),
    kind: a.kind,
    ...(a.tool !== undefined ? { tool: a.tool } : {}),
    rules: a.rules,
    reasons: a.reasons,
    policyDigest: a.policyDigest,
    show: `agentwall approvals show ${a.id}`,
  };
}

export class Webhook {
  private inFlight = 0;
  private readonly target: string;

  constructor(private readonly o: WebhookOptions, private readonly onError: (message: string) => void) {
    let u: URL;
    try {
      u = new URL(o.url);
    } catch {
      throw new Error('approval webhook url is not a valid URL');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`approval webhook url must be http or https, not ${u.protocol}`);
    this.target = `${u.origin}${u.pathname}`;
  }

  /** Posts without waiting; resolves when done (for tests), never rejects. */
  announce(a: ApprovalRequest): Promise<void> {
    if (this.inFlight >= (this.o.maxInFlight ?? 16)) {
      this.onError(`approval webhook ${this.target}: ${this.inFlight} posts in flight, announcement of ${a.id} dropped`);
      return Promise.resolve();
    }
    this.inFlight++;
    return fetch(this.o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'agentwall', ...this.o.headers },
      body: JSON.stringify(webhookPayload(a)),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 3000),
      redirect: 'error',
    })
      .then(async (res) => {
        await res.body?.cancel();
        if (!res.ok) this.onError(`approval webhook ${this.target} answered ${res.status} for ${a.id}`);
      })
      .catch((e: Error) => this.onError(`approval webhook ${this.target} failed for ${a.id}: ${e.name === 'TimeoutError' ? 'timed out' : e.message}`))
      .finally(() => {
        this.inFlight--;
      });
  }
}
