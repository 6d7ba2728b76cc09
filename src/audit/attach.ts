// One call to audit a firewall: every decision (through auditDecisions) and
// every policy change, starting with a record of the policy active when the
// log is attached, so each decision's policy digest can be traced to a load.

import type { Firewall } from '../firewall.ts';
import type { CompiledPolicy } from '../policy/compile.ts';
import { auditDecisions, type AuditListenerOptions } from './listener.ts';
import type { AuditLog } from './log.ts';

export function attachAudit(fw: Firewall, log: AuditLog, opts: AuditListenerOptions & { by?: string } = {}): () => void {
  log.append(policyRecord('loaded', fw.policy, undefined, opts.by));
  const offDecision = fw.onDecision(auditDecisions(log, opts));
  const offPolicy = fw.onPolicyChange((next, previous) => {
    try {
      log.append(policyRecord('reloaded', next, previous, opts.by));
    } catch {
      /* the log reports the failure (onError) and records the loss once it can write again */
    }
  });
  return () => {
    offDecision();
    offPolicy();
  };
}

function policyRecord(event: string, p: CompiledPolicy, previous: CompiledPolicy | undefined, by: string | undefined) {
  return {
    type: 'policy' as const,
    principal: by,
    data: {
      event,
      policyDigest: p.digest,
      ...(previous ? { previousDigest: previous.digest } : {}),
      files: p.files,
      rules: p.rules.length,
      default: p.default,
      mode: p.mode,
    },
  };
}
