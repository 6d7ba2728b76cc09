// Shared by the session tests: a firewall over an inline policy, wired to a
// tracker with a controllable clock.
import { createFirewall, type Firewall } from '../../src/firewall.ts';
import { SessionTracker, MemorySessionStore, type SessionStore } from '../../src/session/index.ts';
import type { Action } from '../../src/action.ts';

export interface Harness {
  fw: Firewall;
  tracker: SessionTracker;
  clock: { t: number };
  act(tool: string, args?: Record<string, unknown>, extra?: Partial<Action>): Action;
}

export async function harness(rules: unknown[], opts: { store?: SessionStore; profileMode?: 'learn' | 'enforce' | 'adaptive'; default?: string; lists?: Record<string, unknown[]> } = {}): Promise<Harness> {
  const clock = { t: Date.parse('2026-03-02T10:00:00Z') };
  const tracker = new SessionTracker(opts.store ?? new MemorySessionStore(), { now: () => clock.t, profileMode: opts.profileMode });
  const fw = await createFirewall({ policy: { version: 1, default: opts.default ?? 'allow', lists: opts.lists, rules } as never, session: tracker, now: () => clock.t });
  return {
    fw,
    tracker,
    clock,
    act: (tool, args = {}, extra = {}) => ({ kind: 'tool', tool, args, session: 's1', principal: { id: 'agent-1' }, ...extra }),
  };
}
