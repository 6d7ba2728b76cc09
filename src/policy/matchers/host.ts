// `host:` condition: the network targets of an action (see src/analyze/url):
// the URL of an http action, or every host a shell line contacts.
//
//   host: { class: [loopback, private, link-local, metadata] }
//   host: { internal: true }
//   host: { domain: $trusted_hosts, match: all }     # example.com matches api.example.com, never example.com.evil.net
//   host: { ip: [10.0.0.0/8, "fd00::/8"] }

import ipaddr from 'ipaddr.js';
import { registerMatcher, type CompileCtx, type Cond } from '../matcher.ts';
import { HOST_CLASSES, domainMatches } from '../../analyze/host.ts';
import type { NetTarget, UrlFacts } from '../../analyze/url.ts';
import { bool, mapOf, quantifier, quantify, strings } from './fact-keys.ts';

const KEYS = ['class', 'internal', 'domain', 'ip', 'port', 'scheme', 'by', 'unresolved', 'match'];
const CLASSES: readonly string[] = [...HOST_CLASSES, 'internal'];

function cidrs(x: unknown, c: CompileCtx): Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> {
  return strings(x, c, 'ip').map((s, i) => {
    try {
      return s.includes('/') ? ipaddr.parseCIDR(s) : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number])(ipaddr.parse(s));
    } catch {
      return c.error(`invalid address or CIDR range '${s}'`, Array.isArray(x) ? ['ip', i] : ['ip']);
    }
  });
}

function addresses(t: NetTarget): Array<ipaddr.IPv4 | ipaddr.IPv6> {
  const out: Array<ipaddr.IPv4 | ipaddr.IPv6> = [];
  if (t.kind === 'ipv4' || t.kind === 'ipv6') out.push(ipaddr.parse(t.host.split('%')[0]!));
  if (t.ipv4 && t.ipv4 !== t.host) out.push(ipaddr.parse(t.ipv4));
  return out;
}

registerMatcher({
  key: 'host',
  summary: 'network targets: { class, internal, domain, ip, port, scheme, by, unresolved, match: any|all }',
  compile(value: unknown, c: CompileCtx): Cond {
    const v = mapOf(value, c, 'host', KEYS);
    const q = quantifier(v, c);
    const tests: Array<(t: NetTarget) => boolean> = [];
    const parts: string[] = [];
    if (v.class !== undefined) {
      const cls = strings(v.class, c, 'class');
      cls.forEach((x, i) => {
        if (!CLASSES.includes(x)) c.error(`unknown host class '${x}' (expected some of ${CLASSES.join(', ')})`, Array.isArray(v.class) ? ['class', i] : ['class']);
      });
      const wantInternal = cls.includes('internal');
      tests.push((t) => (wantInternal && t.internal) || t.classes.some((k) => cls.includes(k)));
      parts.push(`class in [${cls.join(', ')}]`);
    }
    const internal = bool(v, 'internal', c);
    if (internal !== undefined) {
      tests.push((t) => t.internal === internal);
      parts.push(internal ? 'internal' : 'not internal');
    }
    if (v.domain !== undefined) {
      const ds = strings(v.domain, c, 'domain');
      tests.push((t) => t.kind === 'domain' && ds.some((d) => domainMatches(t.host, d)));
      parts.push(`domain under [${ds.join(', ')}]`);
    }
    if (v.ip !== undefined) {
      const ranges = cidrs(v.ip, c);
      tests.push((t) =>
        addresses(t).some((a) =>
          ranges.some(([net, bits]) => {
            const x = a.kind() === 'ipv6' && net.kind() === 'ipv4' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
            return x.kind() === net.kind() && x.match(net as never, bits);
          }),
        ),
      );
      parts.push(`ip in [${strings(v.ip, c, 'ip').join(', ')}]`);
    }
    for (const key of ['port', 'scheme', 'by'] as const) {
      if (v[key] === undefined) continue;
      const t = c.operand(v[key], [key], { scalar: key === 'port' ? 'eq' : 'glob' });
      tests.push((x) => t(x[key]));
      parts.push(`${key} ${t.describe}`);
    }
    const unresolved = bool(v, 'unresolved', c);
    if (unresolved !== undefined) parts.push(`unresolved ${unresolved}`);
    return {
      describe: `host ${parts.join(', ')}${q === 'all' ? ' (every host)' : ''}`,
      where: c.path,
      actual: (ctx) => ctx.facts.get<UrlFacts>('url').targets.map((t) => `${t.host} [${t.classes.join(',')}]`),
      test(ctx) {
        const f = ctx.facts.get<UrlFacts>('url');
        if (unresolved !== undefined && f.unresolved !== unresolved) return false;
        if (tests.length === 0) return unresolved !== undefined;
        return quantify(f.targets, q, (t) => tests.every((x) => x(t)));
      },
    };
  },
});
