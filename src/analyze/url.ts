// The `url` analyzer: the network targets of an action, each host classified
// (see host.ts). http actions give args.url, parsed as WHATWG URLs (what
// Node's fetch does); shell actions give every host their commands contact
// (curl/wget/nc/ssh/scp arguments, /dev/tcp redirections). Because other
// clients (curl, PHP, Java) parse URLs differently, each URL also yields the
// hosts a lenient reading would pick (after the last `@`, before a `\`), and
// the target counts as internal when any reading is internal. A URL that
// carries another URL or an address in its query or path (an open redirect or
// a fetch proxy: `https://x.com/proxy?url=http://169.254.169.254/`) reports
// what it carries, percent-decoded, as `embedded`.

import type { Action } from '../action.ts';
import type { Analyzer } from './facts.ts';
import { classifyHost, type HostClass } from './host.ts';
import type { ShellAnalyzer } from './shell/index.ts';

export interface NetTarget {
  /** Canonical host (see HostInfo.host). */
  host: string;
  kind: 'ipv4' | 'ipv6' | 'domain' | 'invalid';
  ipv4?: string;
  classes: HostClass[];
  /** This host, or another reading of the same URL, is internal. */
  internal: boolean;
  scheme?: string;
  port?: number;
  url?: string;
  path?: string;
  /** The URL carries user:password@. */
  userinfo: boolean;
  /** Other hosts a different URL parser would pick from the same text. */
  alternates: string[];
  /** Who contacts it: `http`, or the program of a shell command. */
  by: string;
  /** URLs and addresses carried in the query or path (redirectors, fetch proxies), percent-decoded. */
  embedded?: EmbeddedTarget[];
  /** Some embedded target is internal. */
  embeddedInternal?: boolean;
}

export interface EmbeddedTarget {
  /** The embedded text after percent-decoding (a URL, or a bare address). */
  url: string;
  host: string;
  classes: HostClass[];
  internal: boolean;
}

export interface UrlFacts {
  targets: NetTarget[];
  /** The action's URL does not parse (http), or the shell line is unresolved. */
  unparseable: boolean;
  unresolved: boolean;
  reasons: string[];
}

const MAX_URL = 64 * 1024;
/** Bounds on the embedded-URL search: parameters looked at, characters per value, nesting. */
const MAX_PARAMS = 64;
const MAX_VALUE = 4096;
const MAX_NESTING = 2;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21, gopher: 70 };

/** Hosts another parser might extract from the authority of a URL string. */
function lenientHosts(raw: string): string[] {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/*([^]*)$/.exec(raw);
  if (!m) return [];
  const rest = m[1]!;
  const out = new Set<string>();
  for (const cut of [/[/?#]/, /[/?#\\]/, /[/?#\\\s]/]) {
    const auth = rest.split(cut, 1)[0] ?? '';
    for (const part of [auth.slice(auth.lastIndexOf('@') + 1), auth.split('@', 1)[0]!, auth.slice(auth.indexOf('@') + 1)]) {
      const host = part.startsWith('[') ? part.slice(0, part.indexOf(']') + 1) : part.split(':', 1)[0]!;
      if (host) out.add(host.replace(/[^\w.\-[\]:%]+$/, ''));
    }
  }
  return [...out].filter((h) => h !== '');
}

/** Percent-decoding that never throws (malformed escapes stay as written); up to three rounds for double encoding. */
function pctDecode(s: string): string {
  for (let round = 0; round < 3 && /%[0-9A-Fa-f]{2}/.test(s); round++) {
    let next: string;
    try {
      next = decodeURIComponent(s);
    } catch {
      next = s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
        try {
          return decodeURIComponent(m);
        } catch {
          return m;
        }
      });
    }
    if (next === s) break;
    s = next;
  }
  return s;
}

const URL_IN = /(?:[A-Za-z][A-Za-z0-9+.-]{0,15}:)?\/\/[^\s"'<>]+/;
/** A bare address as a whole parameter value: dotted IPv4, bracketed or compressed IPv6, localhost, or a dotted name, with an optional port. */
const BARE_HOST = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}|localhost|(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+)(?::\d{1,5})?\/?$/;

/**
 * URLs and addresses carried by a parsed URL: each query value (and the
 * query as a whole, and the path) is percent-decoded and searched for a
 * `scheme://` or `//` URL, or taken whole as a bare address. Bare values
 * count only when they name an internal address (a public-looking name in
 * `?q=example.com` is just text), and never as a single label or a number
 * (`?ref=main`, `?id=2130706433` are no targets); an explicit URL counts
 * whatever its host.
 */
function embeddedTargets(u: URL, depth: number): EmbeddedTarget[] {
  const out: EmbeddedTarget[] = [];
  const seen = new Set<string>();
  // The path whole (`/r/http://127.0.0.1/`) and by segment (`/fetch/10.0.0.5/`).
  const values: string[] = [u.pathname, ...u.pathname.split('/').slice(1, 33)];
  let n = 0;
  for (const [k, v] of u.searchParams) {
    if (++n > MAX_PARAMS) break;
    values.push(v, k);
  }
  if (u.hash) values.push(u.hash.slice(1));
  for (const raw of values) {
    if (raw === '') continue;
    const v = pctDecode(raw.length > MAX_VALUE ? raw.slice(0, MAX_VALUE) : raw);
    const m = URL_IN.exec(v);
    if (m) {
      const text = m[0].startsWith('//') ? `http:${m[0]}` : m[0];
      if (seen.has(text)) continue;
      seen.add(text);
      const t = analyzeUrl(text, 'embedded', depth + 1);
      seen.add(t.host);
      out.push({ url: text, host: t.host, classes: t.classes, internal: t.internal });
      if (t.embedded) out.push(...t.embedded);
      continue;
    }
    const bare = v.trim();
    if (!BARE_HOST.test(bare)) continue;
    const host = bare.replace(/\/$/, '').replace(/:\d+$/, '');
    const info = classifyHost(host);
    if (!info.internal || info.classes.includes('single-label') || info.classes.includes('malformed') || seen.has(info.host)) continue;
    seen.add(info.host);
    out.push({ url: bare, host: info.host, classes: info.classes, internal: true });
  }
  return out;
}

/** Analyzes one URL string. Unparseable URLs give a target of kind `invalid` (internal: fail closed). */
export function analyzeUrl(raw: string, by = 'http', depth = 0): NetTarget {
  const text = raw.length > MAX_URL ? raw.slice(0, MAX_URL) : raw;
  let u: URL | undefined;
  try {
    u = new URL(text.trim());
  } catch {
    u = undefined;
  }
  // Nested URLs: jar:http://host!/, view-source:http://host/, url:http://...
  if (u && u.hostname === '' && /:\/\//.test(u.pathname)) {
    const inner = u.pathname.slice(u.pathname.search(/[A-Za-z][A-Za-z0-9+.-]*:\/\//));
    const t = analyzeUrl(inner.replace(/!\/.*$/, '/'), by, depth);
    return { ...t, scheme: u.protocol.slice(0, -1), url: text };
  }
  const alternates = lenientHosts(text);
  if (!u || (u.hostname === '' && u.protocol !== 'file:')) {
    const infos = alternates.map(classifyHost);
    return {
      host: infos[0]?.host ?? '', kind: 'invalid', classes: [...new Set(['malformed' as const, ...infos.flatMap((i) => i.classes)])], internal: true,
      ...(u ? { scheme: u.protocol.slice(0, -1) } : {}), url: text, userinfo: /@/.test(text), alternates, by,
    };
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  const info = u.protocol === 'file:' ? classifyHost(u.hostname || 'localhost') : classifyHost(u.hostname);
  const others = alternates.map(classifyHost).filter((a) => a.host !== info.host);
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[scheme];
  const embedded = depth < MAX_NESTING && (u.search || u.hash || u.pathname.length > 1) ? embeddedTargets(u, depth) : [];
  return {
    ...(embedded.length ? { embedded, embeddedInternal: embedded.some((e) => e.internal) } : {}),
    host: info.host, kind: info.kind, ...(info.ipv4 ? { ipv4: info.ipv4 } : {}),
    classes: info.classes,
    internal: info.internal || others.some((o) => o.internal),
    scheme, ...(port !== undefined ? { port } : {}), url: u.href, path: u.pathname,
    userinfo: u.username !== '' || u.password !== '',
    alternates: others.map((o) => o.host),
    by,
  };
}

/** A bare host from a shell command (nc host port, ssh user@host, /dev/tcp/host/port). */
export function analyzeHost(host: string, by: string, port?: number, scheme?: string): NetTarget {
  const info = classifyHost(host);
  return {
    host: info.host, kind: info.kind, ...(info.ipv4 ? { ipv4: info.ipv4 } : {}), classes: info.classes, internal: info.internal,
    ...(scheme ? { scheme } : {}), ...(port !== undefined ? { port } : {}), userinfo: false, alternates: [], by,
  };
}

export function createUrlAnalyzer(shell: ShellAnalyzer): Analyzer<UrlFacts> {
  return {
    name: 'url',
    analyze(action: Action): UrlFacts {
      if (action.kind === 'http') {
        const url = action.args?.url;
        if (typeof url !== 'string' || url === '') return { targets: [], unparseable: true, unresolved: true, reasons: ['missing url'] };
        const t = analyzeUrl(url);
        const bad = t.kind === 'invalid';
        return { targets: [t], unparseable: bad, unresolved: bad, reasons: bad ? ['url does not parse'] : [] };
      }
      if (action.kind === 'shell') {
        const s = shell.analyze(action);
        const targets = s.hosts.slice(0, 256).map((h) => (h.url && h.scheme ? { ...analyzeUrl(h.url, h.by), by: h.by } : analyzeHost(h.host, h.by, h.port, h.scheme)));
        return { targets, unparseable: s.unparseable, unresolved: s.unresolved, reasons: s.reasons };
      }
      return { targets: [], unparseable: false, unresolved: false, reasons: [] };
    },
  };
}
