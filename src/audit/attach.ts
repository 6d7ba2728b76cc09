// One call to audit a firewall: every decision (through auditDecisions) and
// every policy change, starting with a record of the policy active when the
// log is attached, so each decision's policy digest can be traced to a load.
// The action is redacted as the policy's `audit:` section says.

import type { Firewall } from '../firewall.ts';
import type { CompiledPolicy } from '../policy/compile.ts';
import { auditDecisions, type AuditListenerOptions } from './listener.ts';
import { policyRedactor, type Redactor } from './redact.ts';
import type { AuditSection } from './section.ts';
import './section.ts';
import type { AuditLog } from './log.ts';

export function attachAudit(fw: Firewall, log: AuditLog, opts: AuditListenerOptions & { by?: string } = {}): () => void {
  log.append(policyRecord('loaded', fw.policy, undefined, opts.by));
  // Without an explicit redactor, the active policy's `audit:` section decides (re-read after each reload).
  let redact: Redactor = opts.redact ?? policyRedactor(fw.policy.sections.audit as AuditSection | undefined);
  const offDecision = fw.onDecision(auditDecisions(log, { ...opts, redact: (a) => redact(a) }));
  const offPolicy = fw.onPolicyChange((next, previous) => {
    if (!opts.redact) redact = policyRedactor(next.sections.audit as AuditSection | undefined);
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
