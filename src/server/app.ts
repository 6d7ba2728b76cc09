// The gateway's HTTP application (fastify): strict JSON bodies with per-route
// size limits, one JSON error shape for every 4xx/5xx, API-key (or dashboard
// session) authentication with roles and per-key rate limits, then the routes.
// Nothing here decides anything: routes call the Gateway, which calls the firewall.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Gateway } from './gateway.ts';
import { allowed, type Caller, type Permission } from './auth.ts';
import { HttpError, errorBody, toErrorResponse } from './errors.ts';
import { DashboardSessions, COOKIE, readCookie } from './dashboard/sessions.ts';
import { registerDecide } from './routes/decide.ts';
import { registerScan } from './routes/scan.ts';
import { registerApprovals } from './routes/approvals.ts';
import { registerAudit } from './routes/audit.ts';
import { registerPolicy } from './routes/policy.ts';
import { registerProfiles } from './routes/profiles.ts';
import { registerHealth } from './routes/health.ts';
import { registerKeys } from './routes/keys.ts';
import { registerEvents } from './routes/events.ts';
import { registerMcp } from './routes/mcp.ts';
import { registerDashboard } from './dashboard/routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    /** Authenticated by the dashboard's session cookie (not an API key). */
    viaCookie?: boolean;
  }
  interface FastifyContextConfig {
    /** What the caller must be allowed to do; 'public' needs no key; absent means the route handles auth itself. */
    perm?: Permission | 'public';
  }
}

export interface AppOptions {
  /** Body limit of most routes (bytes). */
  bodyLimit?: number;
  /** Body limit of /v1/scan (bytes). */
  scanBodyLimit?: number;
  logger?: boolean;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const SCAN_BODY_LIMIT = 10 * 1024 * 1024;

export async function buildApp(gw: Gateway, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Refuse __proto__ / constructor.prototype in JSON bodies instead of silently dropping them.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true, strict: false } },
  });
  const sessions = new DashboardSessions();

  // JSON only (and the dashboard's login form, in its own context): text/plain bodies get 415.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((err, req, reply) => {
    const r = toErrorResponse(err);
    if (r.status >= 500 && !(err instanceof HttpError)) process.stderr.write(`agentwall: gateway: ${req.method} ${req.url.split('?')[0]}: ${(err as Error)?.stack ?? String(err)}\n`);
    if (r.headers) void reply.headers(r.headers);
    void reply.code(r.status).type('application/json').send(r.body);
  });
  // Auth and metrics are attached per route when it is registered, so the
  // hot path reads its permission and label from a closure instead of
  // building request.routeOptions (an object per access) on every request.
  app.addHook('onRoute', (route) => {
    const perm = route.config?.perm;
    const label = route.url;
    const onResponse = (_req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      gw.metrics.request(label, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [onResponse, ...toArray(route.onResponse)] as typeof route.onResponse;
    if (perm === undefined || perm === 'public') return;
    const onRequest = (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
      try {
        check(gw, sessions, req, perm);
        done();
      } catch (e) {
        done(e as Error);
      }
    };
    route.onRequest = [onRequest, ...toArray(route.onRequest)] as typeof route.onRequest;
  });
  app.setNotFoundHandler((req, reply) => {
    gw.metrics.request('unmatched', 404, 0);
    void reply.code(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]!.slice(0, 200)}`));
  });

  registerHealth(app, gw);
  registerDecide(app, gw);
  registerScan(app, gw, opts.scanBodyLimit ?? SCAN_BODY_LIMIT);
  registerApprovals(app, gw);
  registerAudit(app, gw);
  registerPolicy(app, gw);
  registerProfiles(app, gw);
  registerKeys(app, gw, sessions);
  registerEvents(app, gw);
  await registerMcp(app, gw);
  registerDashboard(app, gw, sessions);
  return app;
}

/** Authenticates, authorizes, checks CSRF for cookie sessions and takes a rate-limit token; throws HttpError. */
function check(gw: Gateway, sessions: DashboardSessions, req: FastifyRequest, perm: Permission): void {
  const caller = authenticate(gw, sessions, req);
  if (!caller) {
    gw.metrics.authFailures++;
    throw new HttpError(401, 'unauthorized', 'missing or invalid API key: send Authorization: Bearer aw_...', undefined, { 'www-authenticate': 'Bearer realm="agentwall"' });
  }
  if (!allowed(caller.role, perm)) {
    throw new HttpError(403, 'forbidden', `a key with role '${caller.role}' may not do this (needs ${rolesFor(perm)})`);
  }
  if (req.viaCookie && req.method !== 'GET' && req.method !== 'HEAD') {
    const s = sessions.get(readCookie(req.headers.cookie, COOKIE));
    if (!s || !DashboardSessions.csrfOk(s, req.headers['x-csrf-token'])) throw new HttpError(403, 'csrf', 'missing or wrong CSRF token (reload the dashboard page)');
  }
  const wait = gw.limiter.take(caller.keyId, caller.rate, caller.burst);
  if (wait > 0) {
    gw.metrics.rateLimited++;
    throw new HttpError(429, 'rate_limited', `rate limit of key ${caller.keyId} exceeded (${caller.rate}/s, burst ${caller.burst}); retry after ${wait}s`, undefined, { 'retry-after': String(wait) });
  }
  req.caller = caller;
}

function toArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function authenticate(gw: Gateway, sessions: DashboardSessions, req: FastifyRequest): Caller | undefined {
  const h = req.headers.authorization;
  let token: string | undefined;
  if (typeof h === 'string' && h.length < 200) token = h.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
  else if (typeof req.headers['x-api-key'] === 'string') token = req.headers['x-api-key'];
  if (token !== undefined) return gw.keys.authenticate(token);
  const s = sessions.get(readCookie(req.headers.cookie, COOKIE));
  if (!s) return undefined;
  // A revoked key ends its dashboard sessions too.
  if (!gw.keys.isActive(s.caller.keyId)) {
    sessions.dropKey(s.caller.keyId);
    return undefined;
  }
  req.viaCookie = true;
  return s.caller;
}

function rolesFor(p: Permission): string {
  const roles = { decide: 'agent or admin', scan: 'agent or admin', approvalStatus: 'any role', approve: 'approver or admin', read: 'approver or admin', policyWrite: 'admin', keys: 'admin', metrics: 'any role' } as const;
  return roles[p];
}

/** The API key (or key-less) caller's name, as recorded on votes and policy changes. */
export function callerName(req: FastifyRequest): string {
  return req.caller?.name ?? 'unknown';
}
