// Prometheus metrics of the gateway, kept in plain counters and fixed-bucket
// histograms (no client library: the text format is simple and this keeps the
// hot path to a few array writes). Label sets are bounded: rule ids beyond
// `maxRuleLabels` are counted under rule="(other)".

import type { Decision } from '../action.ts';

export class Histogram {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = new Float64Array(buckets.length);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
  render(name: string, labels = ''): string {
    let out = '';
    let cum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cum += this.counts[i]!;
      out += `${name}_bucket{${labels}${labels ? ',' : ''}le="${this.buckets[i]}"} ${cum}\n`;
    }
    out += `${name}_bucket{${labels}${labels ? ',' : ''}le="+Inf"} ${this.count}\n`;
    out += `${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}\n`;
    out += `${name}_count${labels ? `{${labels}}` : ''} ${this.count}\n`;
    return out;
  }
}

const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const EVAL_BUCKETS = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.01];

export interface Gauges {
  approvalsPending(): number;
  approvalWaiters(): number;
  auditBuffered(): number;
  auditHealthy(): boolean;
  sseClients(): number;
  keys(): number;
}

export class Metrics {
  /** effect -> rule -> count. */
  private readonly decisions = new Map<string, Map<string, number>>();
  private ruleLabels = 0;
  readonly evalSeconds = new Histogram(EVAL_BUCKETS);
  /** route -> request duration. */
  private readonly http = new Map<string, Histogram>();
  /** `route status` -> count. */
  private readonly responses = new Map<string, number>();
  private readonly scans = new Map<string, number>();
  rateLimited = 0;
  authFailures = 0;
  policyReloads = { ok: 0, failed: 0 };
  readonly started = Date.now();

  constructor(private readonly gauges: Gauges, private readonly maxRuleLabels = 500) {}

  /** Decisions by effect, each counted once. */
  readonly effects: Record<string, number> = { allow: 0, deny: 0, ask: 0 };

  decision(d: Decision): void {
    this.effects[d.effect] = (this.effects[d.effect] ?? 0) + 1;
    let byRule = this.decisions.get(d.effect);
    if (!byRule) this.decisions.set(d.effect, (byRule = new Map()));
    const rules = d.rules;
    if (rules.length === 0) this.bump(byRule, '(default)');
    else for (let i = 0; i < rules.length; i++) this.bump(byRule, rules[i]!);
    this.evalSeconds.observe(d.evalNs / 1e9);
  }

  request(route: string, status: number, seconds: number): void {
    let h = this.http.get(route);
    if (!h) {
      if (this.http.size >= 200) return;
      this.http.set(route, (h = new Histogram(LATENCY_BUCKETS)));
    }
    h.observe(seconds);
    const k = `${route} ${status}`;
    this.responses.set(k, (this.responses.get(k) ?? 0) + 1);
  }

  scan(verdict: string): void {
    this.scans.set(verdict, (this.scans.get(verdict) ?? 0) + 1);
  }

  render(): string {
    const g = this.gauges;
    let out = '';
    out += '# HELP agentwall_decisions_total Decisions by effect and deciding rule (a decision with several deciding rules counts once per rule; rule="(default)" when no rule matched).\n# TYPE agentwall_decisions_total counter\n';
    for (const [effect, byRule] of this.decisions) {
      for (const [rule, n] of byRule) out += `agentwall_decisions_total{effect="${effect}",rule="${esc(rule)}"} ${n}\n`;
    }
    out += '# HELP agentwall_decisions_by_effect_total Decisions by final effect, each counted once.\n# TYPE agentwall_decisions_by_effect_total counter\n';
    for (const [effect, n] of Object.entries(this.effects)) out += `agentwall_decisions_by_effect_total{effect="${effect}"} ${n}\n`;
    out += '# HELP agentwall_decision_eval_seconds Policy evaluation time per decision.\n# TYPE agentwall_decision_eval_seconds histogram\n';
    out += this.evalSeconds.render('agentwall_decision_eval_seconds');
    out += '# HELP agentwall_http_request_duration_seconds HTTP request latency by route, measured inside the server.\n# TYPE agentwall_http_request_duration_seconds histogram\n';
    for (const [route, h] of this.http) out += h.render('agentwall_http_request_duration_seconds', `route="${esc(route)}"`);
    out += '# HELP agentwall_http_responses_total HTTP responses by route and status.\n# TYPE agentwall_http_responses_total counter\n';
    for (const [k, n] of this.responses) {
      const i = k.lastIndexOf(' ');
      out += `agentwall_http_responses_total{route="${esc(k.slice(0, i))}",status="${k.slice(i + 1)}"} ${n}\n`;
    }
    out += '# HELP agentwall_scans_total Text scans by verdict.\n# TYPE agentwall_scans_total counter\n';
    for (const [v, n] of this.scans) out += `agentwall_scans_total{verdict="${esc(v)}"} ${n}\n`;
    out += gauge('agentwall_approvals_pending', 'Approvals waiting for a human.', safe(() => g.approvalsPending()));
    out += gauge('agentwall_approval_waiters', 'Callers waiting on an approval in this process.', safe(() => g.approvalWaiters()));
    out += gauge('agentwall_audit_buffered_records', 'Audit records appended but not yet committed (batch durability).', safe(() => g.auditBuffered()));
    out += gauge('agentwall_audit_healthy', '1 when the last audit write succeeded.', safe(() => (g.auditHealthy() ? 1 : 0)));
    out += gauge('agentwall_sse_clients', 'Connected server-sent-event streams.', safe(() => g.sseClients()));
    out += gauge('agentwall_api_keys', 'API keys known (including revoked).', safe(() => g.keys()));
    out += counter('agentwall_rate_limited_total', 'Requests refused with 429.', this.rateLimited);
    out += counter('agentwall_auth_failures_total', 'Requests refused with 401.', this.authFailures);
    out += '# HELP agentwall_policy_reloads_total Policy reloads by result.\n# TYPE agentwall_policy_reloads_total counter\n';
    out += `agentwall_policy_reloads_total{result="ok"} ${this.policyReloads.ok}\nagentwall_policy_reloads_total{result="failed"} ${this.policyReloads.failed}\n`;
    const mem = process.memoryUsage();
    out += gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss);
    out += gauge('nodejs_heap_used_bytes', 'V8 heap used in bytes.', mem.heapUsed);
    out += gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', Math.floor(this.started / 1000));
    return out;
  }

  private bump(m: Map<string, number>, rule: string): void {
    const n = m.get(rule);
    if (n !== undefined) {
      m.set(rule, n + 1);
      return;
    }
    if (this.ruleLabels >= this.maxRuleLabels) rule = '(other)';
    else this.ruleLabels++;
    m.set(rule, (m.get(rule) ?? 0) + 1);
  }
}

function gauge(name: string, help: string, v: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${v}\n`;
}

function counter(name: string, help: string, v: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${v}\n`;
}

function safe(f: () => number): number {
  try {
    return f();
  } catch {
    return Number.NaN;
  }
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
