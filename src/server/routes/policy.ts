// The active policy: GET /v1/policy (digest, rules, sources, the last rejected
// reload), POST /v1/policy/validate (compile without activating; every problem
// with file:line:column), POST /v1/policy/reload (admin: text, or re-read the
// files the gateway was started with; atomic swap, a bad policy is refused
// with its problems and the old one stays active).

import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { loadPolicy } from '../../policy/index.ts';
import { PolicyError } from '../../policy/errors.ts';
import { HttpError } from '../errors.ts';
import { policyBody } from '../schemas.ts';

export function registerPolicy(app: FastifyInstance, gw: Gateway): void {
  app.get('/v1/policy', { config: { perm: 'read' } }, async () => describe(gw));

  app.post<{ Body: { text?: string } }>('/v1/policy/validate', { config: { perm: 'read' }, schema: { body: policyBody } }, async (req) => {
    const text = req.body.text;
    if (text === undefined) throw new HttpError(400, 'invalid_request', 'body.text: the policy YAML to validate is required');
    try {
      const p = loadPolicy(text.includes('\n') ? text : `${text}\n`);
      return { valid: true, digest: p.digest, rules: p.rules.length, default: p.default };
    } catch (e) {
      if (e instanceof PolicyError) return { valid: false, issues: e.issues, message: e.message };
      throw e;
    }
  });

  app.post<{ Body: { text?: string } }>('/v1/policy/reload', { config: { perm: 'policyWrite' }, schema: { body: policyBody } }, async (req) => {
    try {
      const p = gw.reload(req.body.text, req.caller!.name);
      return { reloaded: true, digest: p.digest, rules: p.rules.length, default: p.default };
    } catch (e) {
      if (e instanceof PolicyError) throw new HttpError(422, 'invalid_policy', `policy rejected, the active policy (${gw.fw.policy.digest}) stays: ${e.message}`, e.issues);
      throw new HttpError(422, 'invalid_policy', `policy rejected, the active policy stays: ${(e as Error).message}`);
    }
  });
}

export function describe(gw: Gateway) {
  const s = gw.policyState;
  const p = gw.fw.policy;
  return {
    digest: p.digest,
    default: p.default,
    mode: p.mode,
    loadedAt: s.loadedAt,
    origin: s.origin,
    files: p.files,
    rules: p.rules.map((r) => ({ id: r.id, effect: r.effect, mode: r.mode, reason: r.reason, where: r.where, ...(r.approval ? { approval: r.approval } : {}) })),
    sources: s.sources,
    ...(s.lastError ? { lastError: s.lastError } : {}),
  };
}
