// The in-process hook engine: loads the policy once, then answers raw hook
// payloads (stdin text) for any agent. Used by the hook daemon for every call
// and by the hook client when no daemon is available. Every failure, from
// unparseable JSON to a crash inside the firewall, becomes the agent's own
// blocking answer.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createFirewall, type Firewall } from '../../firewall.ts';
import { scannerOf } from '../scan.ts';
import { decideHook } from './engine.ts';
import { protocolFor } from './index.ts';
import { isRecord } from './map.ts';
import type { HookReply, RenderOptions } from './protocol.ts';
import { openSessionProvider } from './session.ts';
import { hookDataDirLight as hookDataDir } from './paths.ts';
import { AuditLog, attachAudit } from '../../audit/index.ts';
import { openStore } from '../../store/index.ts';

export interface HookEngineOptions {
  /** Policy files or directories (composed into one bundle). */
  policy: string[];
  /** Data directory for persistent session state. */
  dataDir?: string;
  /** Keep session state in this process only (tests, or when no data directory is wanted). */
  memorySession?: boolean;
  /** Record every decision in the audit log of the data directory (default true). */
  audit?: boolean;
}

export interface HookEngine {
  handle(agent: string, raw: string, opts?: RenderOptions): Promise<HookReply>;
  /** Reloads the policy when one of its files changed since the last load (the daemon calls this per request). */
  refresh(): void;
  close(): void;
}

export async function createHookEngine(opts: HookEngineOptions): Promise<HookEngine> {
  const policy = opts.policy.map((p) => resolve(p));
  const session = await openSessionProvider({ dataDir: opts.dataDir, memory: opts.memorySession });
  const firewall: Firewall = await createFirewall({ policy, session });
  // Every hook decision lands in the tamper-evident audit log (`agentwall audit --data-dir D`);
  // a write that fails makes the decision deny (the listener contract), never looser.
  let closeAudit = () => {};
  if (opts.audit !== false && !opts.memorySession) {
    const store = openStore({ dataDir: hookDataDir(opts.dataDir) });
    const log = new AuditLog(store, { durability: 'sync' });
    const detach = attachAudit(firewall, log, { by: 'hook' });
    closeAudit = () => {
      detach();
      log.close();
      store.close();
    };
  }
  // Without scanners, a tool output or prompt is still recorded in the session
  // (untrusted or user text), so taint and provenance rules keep working.
  const scan =
    scannerOf(firewall) ??
    ((text: string, o: { point: 'input' | 'response' | 'output'; session?: string; source?: string }) => {
      session.noteScan(text, { point: o.point }, { session: o.session, source: o.source });
      return { verdict: 'allow', findings: [] };
    });
  let stamp = stampOf(policy);

  return {
    async handle(agent, raw, renderOpts) {
      const protocol = protocolFor(agent);
      if (!protocol) return { stdout: '', stderr: `AgentWall: unknown agent '${agent}'\n`, exitCode: 2 };
      let event: string | undefined;
      try {
        let input: unknown;
        try {
          input = JSON.parse(raw);
        } catch (e) {
          return protocol.block(`malformed hook input: not JSON (${(e as Error).message})`);
        }
        if (isRecord(input) && typeof input.hook_event_name === 'string') event = input.hook_event_name;
        const req = protocol.parse(input);
        const verdict = await decideHook(req, firewall, scan);
        return protocol.render(req, verdict, renderOpts);
      } catch (e) {
        const err = e as Error;
        return protocol.block(err.name === 'HookInputError' ? `malformed hook input: ${err.message}` : `internal error: ${err.message}`, event);
      }
    },
    refresh() {
      const now = stampOf(policy);
      if (now === stamp) return;
      firewall.reload(policy);
      stamp = now;
    },
    close() {
      closeAudit();
      session.close();
    },
  };
}

/** Modification times of the policy paths; a change means reload. */
function stampOf(paths: string[]): string {
  return paths
    .map((p) => {
      try {
        const s = statSync(p);
        return `${s.mtimeMs}:${s.size}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}
