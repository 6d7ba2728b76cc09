// Shared helpers for approval tests: temp data dirs, a firewall whose ask rules wait on the queue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFirewall } from '../../src/firewall.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { ApprovalQueue, QueueApprover, type QueueOptions, type ApproverOptions } from '../../src/approval/index.ts';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentwall-approval-'));
  t.after(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

export const POLICY = {
  version: 1,
  default: 'allow',
  rules: [
    { id: 'trades-need-two', effect: 'ask', when: { tool: 'trade' }, approval: { approvers: 2, timeout: '30s' } },
    { id: 'deploys-need-one', effect: 'ask', when: { tool: 'deploy' }, approval: { approvers: 1, timeout: '30s' } },
    { id: 'quick-ask', effect: 'ask', when: { tool: 'quick' }, approval: { approvers: 1, timeout: '300ms' } },
  ],
};

export async function setup(t: { after: (fn: () => void) => void }, opts: { queue?: QueueOptions; approver?: ApproverOptions; dir?: string } = {}) {
  const dir = opts.dir ?? tempDir(t);
  const store: Store = openStore({ dataDir: dir });
  const queue = new ApprovalQueue(store, opts.queue);
  const approver = new QueueApprover(queue, { pollMs: 25, ...opts.approver });
  const fw = await createFirewall({ policy: POLICY, approver });
  fw.onDecision(approver.listener());
  t.after(() => {
    approver.close();
    store.close();
  });
  return { dir, store, queue, approver, fw };
}

/** Polls until the queue holds a pending approval; returns it. */
export async function pendingOne(queue: ApprovalQueue, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const [a] = queue.list();
    if (a) return a;
    if (Date.now() > end) throw new Error('no pending approval appeared');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const agent = { id: 'agent-7' };
export const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
export const REQUESTER = join(import.meta.dirname, 'fixtures', 'requester.ts');
