// `url:` condition: the URL itself rather than its host (see src/analyze/url).
//
//   url: { scheme: { not_in: [https] } }
//   url: { unparseable: true }
//   url: { userinfo: true }                 # http://user:pass@host/
//   url: { path: { glob: "/admin/*" } }
//   url: { embedded_internal: true }        # ?url=http://169.254.169.254/ on a public host
//   url: { embedded_class: metadata }       # classes of the embedded targets (host.ts)

import { registerMatcher, type CompileCtx, type Cond } from '../matcher.ts';
import type { NetTarget, UrlFacts } from '../../analyze/url.ts';
import { bool, mapOf, quantifier, quantify } from './fact-keys.ts';

const KEYS = ['scheme', 'port', 'path', 'host', 'userinfo', 'unparseable', 'embedded_internal', 'embedded_class', 'match'];

registerMatcher({
  key: 'url',
  summary: 'URLs an action uses: { scheme, port, path, host, userinfo, unparseable, embedded_internal, embedded_class, match: any|all }',
  compile(value: unknown, c: CompileCtx): Cond {
    const v = mapOf(value, c, 'url', KEYS);
    const q = quantifier(v, c);
    const tests: Array<(t: NetTarget) => boolean> = [];
    const parts: string[] = [];
    for (const key of ['scheme', 'port', 'path', 'host'] as const) {
      if (v[key] === undefined) continue;
      const t = c.operand(v[key], [key], { scalar: key === 'port' ? 'eq' : 'glob' });
      tests.push((x) => t(x[key]));
      parts.push(`${key} ${t.describe}`);
    }
    const userinfo = bool(v, 'userinfo', c);
    if (userinfo !== undefined) {
      tests.push((t) => t.userinfo === userinfo);
      parts.push(`userinfo ${userinfo}`);
    }
    const embeddedInternal = bool(v, 'embedded_internal', c);
    if (embeddedInternal !== undefined) {
      tests.push((t) => (t.embeddedInternal === true) === embeddedInternal);
      parts.push(`embedded_internal ${embeddedInternal}`);
    }
    if (v.embedded_class !== undefined) {
      const t = c.operand(v.embedded_class, ['embedded_class']);
      tests.push((x) => x.embedded !== undefined && x.embedded.some((e) => t(e.classes)));
      parts.push(`embedded_class ${t.describe}`);
    }
    const unparseable = bool(v, 'unparseable', c);
    if (unparseable !== undefined) parts.push(`unparseable ${unparseable}`);
    return {
      describe: `url ${parts.join(', ')}`,
      where: c.path,
      actual: (ctx) => ctx.facts.get<UrlFacts>('url').targets.map((t) => t.url ?? t.host),
      test(ctx) {
        const f = ctx.facts.get<UrlFacts>('url');
        if (unparseable !== undefined && f.unparseable !== unparseable) return false;
        if (tests.length === 0) return unparseable !== undefined;
        return quantify(f.targets, q, (t) => tests.every((x) => x(t)));
      },
    };
  },
});
