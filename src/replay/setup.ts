// Builds what a replay needs from a policy: one compiled policy and analyzer
// set shared by every run, a fresh Firewall per run wired to that run's
// session tracker, and the firewall's own scan() for prompts and tool outputs
// (which reports each result to the tracker through SessionProvider.noteScan).

import { Firewall } from '../firewall.ts';
import { loadPolicy, type PolicyInput } from '../policy/index.ts';
import { loadBuiltinAnalyzers } from '../analyze/index.ts';
import '../scan/index.ts';
import type { SessionTracker } from '../session/tracker.ts';
import type { ReplayOptions, ScanFn } from './agentdojo.ts';

export async function replayOptions(policy: PolicyInput, opts: { scan?: boolean } = {}): Promise<ReplayOptions> {
  const analyzers = await loadBuiltinAnalyzers();
  const compiled = loadPolicy(policy);
  return {
    // The firewall decides on the tracker's clock, so histories and decisions share one timeline.
    firewallFor: (tracker: SessionTracker) => new Firewall(compiled, analyzers, { session: tracker, now: () => tracker.clock() }),
    scan: (fw: Firewall): ScanFn =>
      opts.scan === false
        ? // Ablation: no scanner at all; texts still enter the session (provenance without findings).
          (_text, o) => ({ point: o.point, findings: [] })
        : (text, o) => fw.scan(text, o),
  };
}
