// The dashboard's routes: login with an API key (approver or admin) that sets
// an HttpOnly SameSite=Strict session cookie, logout, the pages, and the
// chart. Pages carry a strict Content-Security-Policy: only the page's own
// inline script (by nonce) runs, so an action crafted to inject markup cannot
// run code in an approver's browser.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.ts';
import { allowed } from '../auth.ts';
import { DashboardSessions, COOKIE, readCookie } from './sessions.ts';
import { chartSvg, page } from './html.ts';
import { approvalsPage, auditPage, feedPage, loginPage, policyPage, profilesPage } from './pages.ts';
import { APPROVALS_SCRIPT, FEED_SCRIPT, POLICY_SCRIPT } from './client.ts';
import { loadVerifyKey, parseTime, queryRecords, verifyLog, type AuditRecord, type AuditType } from '../../audit/index.ts';
import { describe } from '../routes/policy.ts';
import { BUCKET_MS } from '../feed.ts';

export function registerDashboard(app: FastifyInstance, gw: Gateway, sessions: DashboardSessions): void {
  const session = (req: FastifyRequest) => {
    const s = sessions.get(readCookie(req.headers.cookie, COOKIE));
    if (s && !gw.keys.isActive(s.caller.keyId)) return undefined;
    return s;
  };
  const send = (reply: FastifyReply, html: string, nonce: string) =>
    reply
      .header('content-security-policy', `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'`)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);

  app.get('/', { config: { perm: 'public' } }, async (_req, reply) => reply.redirect('/dashboard', 302));

  app.get<{ Querystring: { error?: string } }>('/dashboard/login', { config: { perm: 'public' } }, async (req, reply) => {
    const nonce = randomBytes(16).toString('base64');
    return send(reply, page({ title: 'Sign in', path: '/dashboard/login', nonce, body: loginPage(req.query.error === 'key' ? 'That key is not valid, or is not an approver or admin key.' : undefined) }), nonce);
  });

  // Form posts are only accepted here: the urlencoded parser lives in this encapsulated context.
  void app.register(async (sub) => {
    sub.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    sub.post<{ Body: { key?: string } }>('/dashboard/login', { config: { perm: 'public' } }, async (req, reply) => {
      const caller = gw.keys.authenticate(typeof req.body?.key === 'string' ? req.body.key.trim() : undefined);
      if (!caller || !allowed(caller.role, 'read')) {
        gw.metrics.authFailures++;
        return reply.redirect('/dashboard/login?error=key', 303);
      }
      const s = sessions.create(caller);
      void reply.header('set-cookie', `${COOKIE}=${s.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${s.maxAgeS}`);
      return reply.redirect('/dashboard', 303);
    });
    sub.post<{ Body: { csrf?: string } }>('/dashboard/logout', { config: { perm: 'public' } }, async (req, reply) => {
      const id = readCookie(req.headers.cookie, COOKIE);
      const s = sessions.get(id);
      if (s && DashboardSessions.csrfOk(s, req.body?.csrf)) sessions.destroy(id);
      void reply.header('set-cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      return reply.redirect('/dashboard/login', 303);
    });
  });

  const pageRoute = <Q>(path: string, title: string, render: (req: FastifyRequest<{ Querystring: Q }>, admin: boolean) => { body: string; script?: string }) => {
    app.get<{ Querystring: Q }>(path, { config: { perm: 'public' } }, async (req, reply) => {
      const s = session(req);
      if (!s) return reply.redirect('/dashboard/login', 302);
      const nonce = randomBytes(16).toString('base64');
      const { body, script } = render(req, s.caller.role === 'admin');
      return send(reply, page({ title, path, who: s.caller.name, role: s.caller.role, csrf: s.csrf, nonce, body, ...(script ? { script } : {}) }), nonce);
    });
  };

  pageRoute('/dashboard', 'Live feed', () => ({ body: feedPage(gw.metrics.effects), script: FEED_SCRIPT }));
  pageRoute('/dashboard/approvals', 'Approvals', () => ({ body: approvalsPage(), script: APPROVALS_SCRIPT }));
  pageRoute<Record<string, string | undefined>>('/dashboard/audit', 'Audit', (req) => {
    const q = req.query;
    let records: AuditRecord[] = [];
    let problem: string | undefined;
    try {
      gw.log.flush();
    } catch {
      /* reported by the audit log */
    }
    try {
      records = [
        ...queryRecords(gw.store, {
          agent: q.agent || undefined,
          session: q.session || undefined,
          tool: q.tool || undefined,
          rule: q.rule || undefined,
          effect: ['allow', 'deny', 'ask'].includes(q.effect ?? '') ? q.effect : undefined,
          type: (q.type || undefined) as AuditType | undefined,
          since: q.since ? parseTime(q.since) : undefined,
          limit: 200,
          desc: true,
        }),
      ];
    } catch (e) {
      problem = (e as Error).message;
    }
    let verify;
    try {
      verify = verifyLog(gw.store, loadVerifyKey(gw.store.dataDir));
    } catch (e) {
      verify = { error: (e as Error).message };
    }
    return { body: (problem ? `<div class="flash">${problem.replace(/[<>&"]/g, '')}</div>` : '') + auditPage(q, records, verify) };
  });
  pageRoute<{ agent?: string }>('/dashboard/profiles', 'Agents', (req) => {
    const s = gw.ext.session;
    if (!s) return { body: profilesPage(false, []) };
    const agents = s.agents(200).map((id) => {
      const p = s.profile(id, 0);
      return { id, steps: p?.steps ?? 0, samples: p?.samples ?? 0 };
    });
    const sel = req.query.agent ? s.profile(req.query.agent, 50) : agents[0] ? s.profile(agents[0].id, 50) : undefined;
    return { body: profilesPage(true, agents, sel) };
  });
  pageRoute('/dashboard/policy', 'Policy', (_req, admin) => ({ body: policyPage(describe(gw), admin), script: POLICY_SCRIPT }));

  app.get('/dashboard/chart.svg', { config: { perm: 'public' } }, async (req, reply) => {
    if (!session(req)) return reply.code(401).type('application/json').send({ error: { code: 'unauthorized', message: 'sign in to the dashboard first' } });
    return reply.type('image/svg+xml').header('cache-control', 'no-store').send(chartSvg(gw.feed.timeline(30 * 60_000), BUCKET_MS));
  });
}
