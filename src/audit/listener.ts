// Connects the audit log to the firewall: a DecisionListener that appends one
// record per decision (principal, session, redacted action, facts digest,
// effect, rules, reasons, policy digest, latency). With `failClosed` (durable
// audit required), a decision whose record could not be written, or taken
// while the log is failing, becomes deny: no action runs unrecorded.

import type { Decision } from '../action.ts';
import type { DecisionListener } from '../firewall.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import type { AuditLog } from './log.ts';
import { redactAction, type Redactor } from './redact.ts';

export interface AuditListenerOptions {
  /** Deny when the record cannot be written (default true). */
  failClosed?: boolean;
  /** How the action is written; default: secret-looking keys masked, sizes bounded. */
  redact?: Redactor;
}

export function auditDecisions(log: AuditLog, opts: AuditListenerOptions = {}): DecisionListener {
  const failClosed = opts.failClosed ?? true;
  const redact = opts.redact ?? ((a) => redactAction(a));
  return (event) => {
    const { action, decision } = event;
    let why: string | undefined;
    try {
      let factsDigest: string | undefined;
      const facts = event.facts;
      if (facts && Object.keys(facts).length > 0) factsDigest = `sha256:${sha256(canonicalJson(facts))}`;
      const data: Record<string, unknown> = {
        action: redact(action),
        reasons: decision.reasons,
        policyDigest: decision.policyDigest,
        latencyNs: decision.evalNs,
      };
      if (factsDigest) data.factsDigest = factsDigest;
      if (decision.monitor) data.monitor = decision.monitor;
      if (decision.errors) data.errors = decision.errors;
      if (decision.approval) data.approval = decision.approval;
      log.append({
        type: 'decision',
        principal: action.principal?.id,
        session: action.session,
        effect: decision.effect,
        tool: action.tool ?? action.kind,
        rules: decision.rules,
        data,
      });
      if (!log.healthy) why = `audit log is failing: ${log.lastError?.message ?? 'unknown error'}`;
    } catch (e) {
      why = `audit record could not be written: ${(e as Error).message}`;
    }
    if (why && failClosed) return deny(decision, why);
    return undefined;
  };
}

function deny(d: Decision, why: string): Decision {
  return { ...d, effect: 'deny', reasons: [...d.reasons, `${why} (durable audit required: failing closed)`], errors: [...(d.errors ?? []), why] };
}
