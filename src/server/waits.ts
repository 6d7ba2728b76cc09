// Callers waiting for an approval to be answered (long-poll and SSE). Answers
// given in this process arrive through the queue's onResolved at once; answers
// given by another process (the CLI) and timeouts are noticed by polling the
// store every `pollMs` while anyone waits. Bounded: at most `max` waiters.

import type { ApprovalQueue, ApprovalRequest } from '../approval/index.ts';

interface Waiter {
  resolve: (a: ApprovalRequest | undefined) => void;
  timer: NodeJS.Timeout;
}

export class ApprovalWaits {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private count = 0;
  private poller: NodeJS.Timeout | undefined;
  private readonly off: () => void;

  constructor(private readonly queue: ApprovalQueue, private readonly max = 1000, private readonly pollMs = 500) {
    this.off = queue.onResolved((a) => this.settle(a.id, a));
  }

  get size(): number {
    return this.count;
  }

  /**
   * Resolves with the approval once it is no longer pending, or with
   * undefined after `timeoutMs`. Throws when too many callers wait.
   */
  wait(id: string, timeoutMs: number): Promise<ApprovalRequest | undefined> {
    if (this.count >= this.max) throw new Error(`too many callers waiting for approvals (${this.count})`);
    return new Promise((resolve) => {
      const w: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.remove(id, w);
          resolve(undefined);
        }, timeoutMs),
      };
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(w);
      this.count++;
      this.poller ??= setInterval(() => this.poll(), this.pollMs);
    });
  }

  close(): void {
    this.off();
    for (const [id, set] of this.waiters) for (const w of set) {
      clearTimeout(w.timer);
      w.resolve(this.safeGet(id));
    }
    this.waiters.clear();
    this.count = 0;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private poll(): void {
    for (const id of [...this.waiters.keys()]) {
      try {
        let st = this.queue.status(id);
        if (st && st.status === 'pending' && st.expiresAt <= Date.now()) {
          this.queue.expire(id);
          st = this.queue.status(id);
        }
        if (!st || st.status !== 'pending') this.settle(id, this.queue.get(id));
      } catch {
        /* store busy or failing: try again on the next tick; the waiter's own timeout still bounds the wait */
      }
    }
  }

  private settle(id: string, a: ApprovalRequest | undefined): void {
    if (a && a.status === 'pending') return;
    const set = this.waiters.get(id);
    if (!set) return;
    this.waiters.delete(id);
    for (const w of set) {
      clearTimeout(w.timer);
      this.count--;
      w.resolve(a);
    }
    this.stopIfIdle();
  }

  private remove(id: string, w: Waiter): void {
    const set = this.waiters.get(id);
    if (!set || !set.delete(w)) return;
    this.count--;
    if (set.size === 0) this.waiters.delete(id);
    this.stopIfIdle();
  }

  private stopIfIdle(): void {
    if (this.waiters.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private safeGet(id: string): ApprovalRequest | undefined {
    try {
      return this.queue.get(id);
    } catch {
      return undefined;
    }
  }
}
