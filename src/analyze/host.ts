// Host classification: is a host name or address internal (loopback,
// private, link-local, CGNAT, unique-local, multicast, unspecified, cloud
// metadata, ...)? Every numeric IPv4 spelling is canonicalized first (decimal
// 2130706433, hex 0x7f.1, octal 0177.0.0.1, short 127.1), IPv4 embedded in
// IPv6 (mapped, compatible, translated, NAT64, 6to4, Teredo) is classified as
// the IPv4 it carries, and IP-echo DNS names (127.0.0.1.nip.io) as the address
// they resolve to. Domain matching is suffix-correct on label boundaries.

import ipaddr from 'ipaddr.js';
import { domainToASCII } from 'node:url';

export const HOST_CLASSES = [
  'loopback', 'private', 'link-local', 'cgnat', 'unique-local', 'multicast', 'unspecified', 'metadata', 'broadcast',
  'reserved', 'documentation', 'benchmarking', 'internal-name', 'single-label', 'malformed', 'public',
] as const;
export type HostClass = (typeof HOST_CLASSES)[number];

/** Classes that make a target internal (anything that is not the public internet). */
export const INTERNAL_CLASSES: ReadonlySet<HostClass> = new Set([
  'loopback', 'private', 'link-local', 'cgnat', 'unique-local', 'multicast', 'unspecified', 'metadata', 'broadcast',
  'reserved', 'internal-name', 'single-label', 'benchmarking', 'malformed',
]);

export interface HostInfo {
  /** Canonical form: lower-case ASCII name, dotted IPv4, or compressed IPv6 (no brackets). */
  host: string;
  kind: 'ipv4' | 'ipv6' | 'domain' | 'invalid';
  /** The IPv4 address the host stands for (itself, embedded in IPv6, or echoed by a DNS name). */
  ipv4?: string;
  classes: HostClass[];
  internal: boolean;
}

/** Cloud metadata endpoints (AWS, GCP, Azure, Oracle, Alibaba, DigitalOcean, OpenStack, Kubernetes ...). */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '169.254.169.253', '169.254.169.123', '100.100.100.200', '192.0.0.192', '169.254.0.23']);
const METADATA_V6 = new Set(['fd00:ec2::254', 'fd00:ec2::23', 'fd20:ce::254']);
const METADATA_NAMES = new Set([
  'metadata.google.internal', 'metadata', 'metadata.goog', 'metadata.gce.internal', 'instance-data', 'instance-data.ec2.internal',
  'metadata.azure.com', 'metadata.oraclecloud.com', 'metadata.tencentyun.com', 'metadata.platformequinix.com', 'metadata.packet.net',
  'metadata.hetzner.cloud', 'metadata.vultr.com', 'metadata.exoscale.com',
]);
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'localhost6', 'localhost6.localdomain6', 'loopback']);
/** Public DNS names that always resolve to loopback. */
const LOOPBACK_DOMAINS = ['localtest.me', 'lvh.me', 'vcap.me', 'lacolhost.com', 'fuf.me', 'yoogle.com', 'ulh.us', 'readme.localtest.me'];
/** Suffixes that never resolve on the public internet. */
const INTERNAL_SUFFIXES = ['local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'home.arpa', 'private', 'test', 'invalid', 'example'];
/** Wildcard DNS services that answer with the address spelled in the name (a.b.c.d.nip.io, a-b-c-d.sslip.io). */
const IP_ECHO = ['nip.io', 'xip.io', 'sslip.io', 'traefik.me', 'localtest.me', 'nip.direct', 'ip.addr.tools', 'backname.io', '1u.ms'];

/**
 * Parses an IPv4 address in any spelling inet_aton and URL parsers accept:
 * 1 to 4 parts, each decimal, octal (leading 0, or 0o) or hex (0x); the last
 * part fills the remaining bytes. Returns the dotted form or undefined.
 */
export function parseIPv4Loose(s: string): string | undefined {
  if (s.length === 0 || s.length > 64) return undefined;
  let t = s.endsWith('.') ? s.slice(0, -1) : s;
  if (t === '') return undefined;
  const parts = t.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[oO][0-7]+$/.test(p)) v = parseInt(p.slice(2), 8);
    else if (/^[oOqQ][0-7]+$/.test(p)) v = parseInt(p.slice(1), 8);
    else if (/^0[0-7]+$/.test(p)) v = parseInt(p, 8);
    else if (/^(0|[1-9][0-9]*)$/.test(p)) v = Number(p);
    else return undefined;
    if (!Number.isFinite(v)) return undefined;
    nums.push(v);
  }
  const last = nums.pop()!;
  for (const n of nums) if (n > 255) return undefined;
  const lastBytes = 4 - nums.length;
  if (last >= 256 ** lastBytes) return undefined;
  const bytes = [...nums];
  for (let i = lastBytes - 1; i >= 0; i--) bytes.push(Math.floor(last / 256 ** i) % 256);
  t = bytes.join('.');
  return t;
}

/**
 * The address an overflowing numeric spelling lands on in parsers that wrap
 * instead of rejecting (7147006462 -> 169.254.169.254, 425.510.425.510 ->
 * 169.254.169.254, 0x41414141a9fea9fe -> 169.254.169.254).
 */
export function wrappedIPv4(s: string): string | undefined {
  if (s.length === 0 || s.length > 64) return undefined;
  const parts = (s.endsWith('.') ? s.slice(0, -1) : s).split('.');
  if (parts.length > 4) return undefined;
  const nums: bigint[] = [];
  for (const p of parts) {
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) nums.push(BigInt(p));
    else if (/^0[0-7]+$/.test(p)) nums.push(BigInt(`0o${p.slice(1)}`));
    else if (/^\d+$/.test(p)) nums.push(BigInt(p));
    else return undefined;
  }
  const last = nums.pop()!;
  const bytes = nums.map((n) => Number(n % 256n));
  const room = 4 - bytes.length;
  let v = last % 256n ** BigInt(room);
  const tail: number[] = [];
  for (let i = 0; i < room; i++) {
    tail.unshift(Number(v % 256n));
    v /= 256n;
  }
  return [...bytes, ...tail].join('.');
}

function v4Classes(a: string): HostClass[] {
  const ip = ipaddr.IPv4.parse(a);
  const [o1, o2, o3] = ip.octets as [number, number, number, number];
  const out: HostClass[] = [];
  if (METADATA_V4.has(a)) out.push('metadata');
  const range = ip.range();
  const map: Record<string, HostClass> = {
    loopback: 'loopback', private: 'private', linkLocal: 'link-local', carrierGradeNat: 'cgnat', multicast: 'multicast',
    unspecified: 'unspecified', broadcast: 'broadcast', reserved: 'reserved',
  };
  if (map[range]) out.push(map[range]!);
  if (o1 === 0) out.push('unspecified');
  if (o1 === 192 && o2 === 0 && o3 === 0) out.push('reserved');
  if ((o1 === 192 && o2 === 0 && o3 === 2) || (o1 === 198 && o2 === 51 && o3 === 100) || (o1 === 203 && o2 === 0 && o3 === 113)) out.push('documentation');
  if (o1 === 198 && (o2 === 18 || o2 === 19)) out.push('benchmarking');
  if (o1 >= 240) out.push('reserved');
  return [...new Set(out)];
}

/** The IPv4 address carried inside an IPv6 address, if any (mapped, compatible, translated, NAT64, 6to4, Teredo). */
export function embeddedIPv4(ip: ipaddr.IPv6): string | undefined {
  const w = ip.parts as number[];
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return v4(w[6]!, w[7]!); // ::ffff:a.b.c.d mapped
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return v4(w[6]!, w[7]!); // ::ffff:0:a.b.c.d translated
  if (zeros(0, 6) && (w[6] !== 0 || w[7]! > 1)) return v4(w[6]!, w[7]!); // ::a.b.c.d compatible (not :: or ::1)
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return v4(w[6]!, w[7]!); // 64:ff9b::/96 NAT64
  if (w[0] === 0x64 && w[1] === 0xff9b && w[2] === 1) return v4(w[6]!, w[7]!); // 64:ff9b:1::/48 local NAT64
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!); // 6to4
  if (w[0] === 0x2001 && w[1] === 0) return v4(w[6]! ^ 0xffff, w[7]! ^ 0xffff); // Teredo client
  return undefined;
}

function v6Classes(ip: ipaddr.IPv6, text: string): HostClass[] {
  const out: HostClass[] = [];
  if (METADATA_V6.has(text)) out.push('metadata');
  const map: Record<string, HostClass> = {
    loopback: 'loopback', linkLocal: 'link-local', uniqueLocal: 'unique-local', multicast: 'multicast', unspecified: 'unspecified',
    reserved: 'reserved', benchmarking: 'benchmarking', discard: 'reserved', orchid2: 'reserved', as112v6: 'reserved', amt: 'reserved', droneRemoteIdProtocolEntityTags: 'reserved',
  };
  const r = ip.range();
  if (map[r]) out.push(map[r]!);
  const w = ip.parts as number[];
  if ((w[0]! & 0xffc0) === 0xfec0) out.push('private'); // deprecated site-local fec0::/10
  if (w[0] === 0x2001 && w[1] === 0xdb8) out.push('documentation');
  return out;
}

function classifyIPv4(a: string): HostInfo {
  const classes = v4Classes(a);
  return { host: a, kind: 'ipv4', ipv4: a, classes: classes.length ? classes : ['public'], internal: classes.some((c) => INTERNAL_CLASSES.has(c)) };
}

function classifyIPv6(text: string): HostInfo | undefined {
  const zone = text.indexOf('%');
  const bare = zone === -1 ? text : text.slice(0, zone);
  if (!ipaddr.IPv6.isValid(bare)) return undefined;
  const ip = ipaddr.IPv6.parse(bare);
  const canon = ip.toString();
  const classes = v6Classes(ip, canon);
  const v4 = embeddedIPv4(ip);
  if (v4) for (const c of v4Classes(v4)) if (!classes.includes(c)) classes.push(c);
  // A zone id (fe80::1%eth0) only makes sense on a local link.
  if (zone !== -1 && !classes.includes('link-local')) classes.push('link-local');
  return {
    host: canon, kind: 'ipv6', ...(v4 ? { ipv4: v4 } : {}),
    classes: classes.length ? classes : ['public'],
    internal: classes.some((c) => INTERNAL_CLASSES.has(c)),
  };
}

/** Lower-case ASCII form of a domain name (IDNA, trailing dot removed), or undefined when invalid. */
export function canonicalDomain(name: string): string | undefined {
  let n = name.trim();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n === '' || n.length > 253) return undefined;
  const ascii = /^[\x21-\x7e]+$/.test(n) ? n.toLowerCase() : domainToASCII(n.normalize('NFKC'));
  return ascii === '' ? undefined : ascii;
}

/** Does the domain equal `suffix` or end with `.suffix` (label-boundary suffix match)? */
export function domainUnder(host: string, suffix: string): boolean {
  return host === suffix || (host.length > suffix.length && host.endsWith(suffix) && host[host.length - suffix.length - 1] === '.');
}

/**
 * Matches a host against a policy domain pattern: `example.com` matches itself
 * and its subdomains, `*.example.com` only subdomains, `=example.com` only itself.
 * Never `example.com.evil.net` or `evilexample.com`.
 */
export function domainMatches(host: string, pattern: string): boolean {
  const h = canonicalDomain(host.startsWith('[') ? host.slice(1, -1) : host);
  if (!h) return false;
  if (pattern.startsWith('=')) return h === canonicalDomain(pattern.slice(1));
  if (pattern.startsWith('*.')) {
    const p = canonicalDomain(pattern.slice(2));
    return p !== undefined && h !== p && domainUnder(h, p);
  }
  const p = canonicalDomain(pattern);
  return p !== undefined && domainUnder(h, p);
}

/** The address an IP-echo DNS name resolves to (10.0.0.1.nip.io, 10-0-0-1.sslip.io, 0a000001.nip.io). */
function echoedIPv4(host: string): string | undefined {
  for (const svc of IP_ECHO) {
    if (!domainUnder(host, svc) || host === svc) continue;
    const label = host.slice(0, host.length - svc.length - 1);
    // The address is the trailing dotted/dashed part of the prefix: app.10.0.0.1.nip.io, app-10-0-0-1.nip.io
    const m = /(?:^|[.-])((?:\d{1,3}[.-]){3}\d{1,3})$/.exec(label);
    if (m) return parseIPv4Loose(m[1]!.replaceAll('-', '.'));
    const hex = /(?:^|[.-])([0-9a-f]{8})$/.exec(label);
    if (hex) return parseIPv4Loose(`0x${hex[1]}`);
    if (svc === '1u.ms') {
      // 1u.ms rebinding names: make-1.2.3.4-rebind-127.0.0.1-rr.1u.ms; any embedded address counts.
      const all = [...label.matchAll(/(\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3})/g)].map((x) => parseIPv4Loose(x[1]!.replaceAll('-', '.')));
      const internal = all.find((a) => a && classifyIPv4(a).internal);
      return internal ?? all[0];
    }
  }
  return undefined;
}

/** Classifies a host as written in a URL or on a command line (brackets allowed around IPv6). */
export function classifyHost(raw: string): HostInfo {
  let h = raw.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === '') return { host: '', kind: 'invalid', classes: ['malformed'], internal: true };
  if (h.includes(':')) {
    const v6 = classifyIPv6(h.toLowerCase());
    if (v6) return v6;
    return { host: h, kind: 'invalid', classes: ['malformed'], internal: true };
  }
  const v4 = parseIPv4Loose(h);
  if (v4) return classifyIPv4(v4);
  const name = canonicalDomain(h);
  // Something shaped like a number that is no valid address: treat as hostile.
  if (!name || /^[0-9.]+$/.test(h) || /^(0x[0-9a-f]*|0o?[0-7]+|[oq][0-7]+)(\.|$)/i.test(h) && h.split('.').every((l) => /^(0x[0-9a-f]*|0o?[0-7]*|[oq][0-7]+|\d+)$/i.test(l))) {
    // A number that is no valid address: hostile. Classify it as the address wrapping parsers reach too.
    const wrapped = wrappedIPv4(h);
    const classes: HostClass[] = ['malformed', ...(wrapped ? v4Classes(wrapped) : [])];
    return { host: name ?? h, kind: 'invalid', ...(wrapped ? { ipv4: wrapped } : {}), classes: [...new Set(classes)], internal: true };
  }
  // Full-width digits and dots (１２７．０．０．１) are folded by IDNA: check again.
  const v4InName = parseIPv4Loose(name);
  if (v4InName) return classifyIPv4(v4InName);
  const classes: HostClass[] = [];
  if (METADATA_NAMES.has(name)) classes.push('metadata');
  if (LOOPBACK_NAMES.has(name) || domainUnder(name, 'localhost') || LOOPBACK_DOMAINS.some((d) => domainUnder(name, d))) classes.push('loopback');
  if (INTERNAL_SUFFIXES.some((s) => domainUnder(name, s))) classes.push('internal-name');
  if (!name.includes('.') && classes.length === 0) classes.push('single-label');
  const echoed = echoedIPv4(name);
  let ipv4: string | undefined;
  if (echoed) {
    ipv4 = echoed;
    for (const c of v4Classes(echoed)) if (!classes.includes(c)) classes.push(c);
  }
  if (classes.length === 0) classes.push('public');
  return { host: name, kind: 'domain', ...(ipv4 ? { ipv4 } : {}), classes, internal: classes.some((c) => INTERNAL_CLASSES.has(c)) };
}

/** Classifies a resolved address (from DNS). */
export function classifyAddress(address: string): HostInfo {
  return classifyHost(address);
}
