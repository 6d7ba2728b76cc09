// Network corpora: the SSRF payloads of PayloadsAllTheThings (URLs in code
// blocks) must be classified internal, the reference links of the same pages
// must not; path-traversal payloads must not read outside the workspace
// without a deny or an ask under coding-agent.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeUrl } from '../src/analyze/url.ts';
import { createFirewall } from '../src/firewall.ts';
import { corpus, mdTable, pct, REPO, type EvalSection } from './lib.ts';

const URL_RE = /\b[a-z][a-z0-9+.-]{0,15}:(?:\/\/|\/)?[^\s`'"<>()\]]+|https?:\/\/\[[0-9a-fA-F:.]+\][^\s`'"<>()]*/gi;

interface Extracted {
  payloads: string[];
  references: string[];
}

/** URLs in code (fenced blocks, indented blocks, inline code) are payloads; URLs in markdown links are references. */
function extract(file: string): Extracted {
  const out: Extracted = { payloads: [], references: [] };
  if (!existsSync(file)) return out;
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const code = fenced || /^ {4,}\S/.test(line) && !/^\s*[*-] /.test(line);
    if (code) {
      for (const m of line.matchAll(URL_RE)) if (/:\/\//.test(m[0]) || /^(jar|gopher|dict|file|ldap|netdoc|sftp|tftp):/i.test(m[0])) out.payloads.push(m[0]);
      continue;
    }
    for (const m of line.matchAll(/`([^`]+)`/g)) for (const u of m[1]!.matchAll(URL_RE)) if (/:\/\//.test(u[0])) out.payloads.push(u[0]);
    for (const m of line.matchAll(/\]\((https?:\/\/[^)\s]+)\)|<(https?:\/\/[^>\s]+)>/g)) out.references.push((m[1] ?? m[2])!);
  }
  return out;
}

/** Independent textual oracle: the host part visibly names an internal target (used only to label the eval). */
function visiblyInternal(url: string): boolean {
  const host = url.replace(/^[a-z][a-z0-9+.-]*:\/*/i, '').split(/[/?#]/, 1)[0]!.replace(/^.*@/, '');
  return /localhost|^127\.|^0(\.|$|x|[0-7])|169\.254|^\[|::|^0x|^\d+(:\d+)?$|metadata|\.internal|^192\.168|^10\.|^172\.(1[6-9]|2\d|3[01])\.|^0177|^0251|instance-data|^100\.100\.|nip\.io|^[a-z]+(:\d+)?$/i.test(host);
}

export default async function netEval(): Promise<EvalSection[]> {
  const sections: EvalSection[] = [];
  const files = ['patt-ssrf-README.md', 'patt-ssrf-cloud-instances.md'];
  const payloads = new Set<string>();
  const references = new Set<string>();
  for (const f of files) {
    const e = extract(corpus('net', f));
    e.payloads.forEach((p) => payloads.add(p.replace(/[.,;:]+$/, '')));
    e.references.forEach((r) => references.add(r));
  }
  let internal = 0;
  let oracle = 0;
  let oracleHit = 0;
  const publicPayloads: string[] = [];
  const oracleMiss: string[] = [];
  let carrying = 0;
  for (const p of payloads) {
    const t = analyzeUrl(p);
    if (t.internal) internal++;
    else {
      // A public host carrying an internal target (redirector, fetch proxy): flagged through url.embedded.
      const via = t.embeddedInternal ? ` ⇒ carries ${t.embedded!.filter((e) => e.internal).map((e) => `${e.host} [${e.classes.join(', ')}]`).join(', ')}` : '';
      if (via) carrying++;
      publicPayloads.push(`${p} → ${t.host} [${t.classes.join(', ')}]${via}`);
    }
    if (visiblyInternal(p)) {
      oracle++;
      if (t.internal) oracleHit++;
      else oracleMiss.push(p);
    }
  }
  const refInternal: string[] = [];
  const refCarrying: string[] = [];
  for (const r of references) {
    const t = analyzeUrl(r);
    if (t.internal) refInternal.push(r);
    else if (t.embeddedInternal) refCarrying.push(r);
  }
  sections.push({
    title: 'Network: SSRF payloads',
    markdown: [
      `URLs from ${files.join(' and ')}: those in code (payloads) and those in markdown links (references to public pages).`,
      'Target: every payload that targets an internal address is classified internal; no public URL is.',
      '',
      mdTable(
        ['set', 'URLs', 'classified internal', 'rate'],
        [
          ['payloads (all)', payloads.size, internal, pct(internal / Math.max(1, payloads.size))],
          ['payloads whose host visibly names an internal target', oracle, oracleHit, pct(oracleHit / Math.max(1, oracle))],
          ['references (public pages)', references.size, refInternal.length, pct(refInternal.length / Math.max(1, references.size))],
        ],
      ),
      '',
      `Payloads on a public host that carry an internal target in their query or path (\`url.embeddedInternal\`, percent-decoded; coding-agent and cloud-infra deny metadata and ask on the rest): ${carrying} of the ${publicPayloads.length} classified public. References (public pages) carrying an internal target: ${refCarrying.length}${refCarrying.length ? ` (${refCarrying.join(', ')})` : ''}.`,
      '',
      oracleMiss.length ? `Visibly internal payloads classified public:\n\n${oracleMiss.map((m) => `- \`${m}\``).join('\n')}` : 'Every visibly internal payload is classified internal.',
      '',
      `Payloads classified public (${publicPayloads.length}; attacker hosts, redirectors and public examples in the pages):\n\n${publicPayloads.map((m) => `- \`${m}\``).join('\n')}`,
      '',
      refInternal.length ? `References classified internal:\n\n${refInternal.map((m) => `- ${m}`).join('\n')}` : 'No reference URL is classified internal.',
    ].join('\n'),
    metrics: { ssrf_public_payloads_carrying_internal: carrying, public_urls_carrying_internal: refCarrying.length, ssrf_payloads: payloads.size, ssrf_internal_rate: internal / Math.max(1, payloads.size), ssrf_visible_internal_recall: oracleHit / Math.max(1, oracle), public_urls_internal: refInternal.length },
  });

  // ---------------------------------------------------------- path traversal
  const fw = await createFirewall({ policy: join(REPO, 'policies', 'coding-agent.yaml') });
  const cwd = '/home/dev/project';
  const rows: Array<Array<string | number>> = [];
  let escapesAllowed = 0;
  const allowedEscapes = new Set<string>();
  for (const f of ['patt-deep_traversal.txt', 'patt-directory_traversal.txt', 'patt-traversals-exotic-encoding.txt']) {
    const file = corpus('net', f);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    let escape = 0;
    let escapeStopped = 0;
    let inside = 0;
    let insideAllowed = 0;
    for (const l of lines) {
      const path = l.replace(/\{FILE\}/g, 'etc/passwd');
      const action = { kind: 'file.read', args: { path, cwd } };
      const d = fw.guard(action);
      const resolved = d.effect;
      // Whether the path leaves the workspace is a property of the path itself (as the file system sees it).
      const out = !isInside(path, cwd);
      if (out) {
        escape++;
        if (resolved !== 'allow') escapeStopped++;
        else {
          escapesAllowed++;
          allowedEscapes.add(`\`${path.slice(0, 60)}\` (${d.rules.join(', ')})`);
        }
      } else {
        inside++;
        if (resolved === 'allow') insideAllowed++;
      }
    }
    rows.push([f, lines.length, escape, pct(escapeStopped / Math.max(1, escape)), inside, insideAllowed]);
  }
  sections.push({
    title: 'Network: path traversal payloads as file reads',
    markdown: [
      `Each payload (\`{FILE}\` → \`etc/passwd\`) is a \`file.read\` in \`${cwd}\` under coding-agent. A payload escapes when, as the file system reads it (no URL decoding), it resolves outside the workspace; encoded payloads (\`%2e%2e%2f\`) are literal file names inside the workspace.`,
      '',
      mdTable(['corpus', 'payloads', 'escape the workspace', 'escapes denied or asked', 'stay inside (literal names)', 'inside, allowed'], rows),
      '',
      allowedEscapes.size ? `Escapes allowed (the policy lets a coding agent read system files such as /etc/hosts and /bin):\n\n${[...allowedEscapes].map((e) => `- ${e}`).join('\n')}` : 'No escaping payload was allowed.',
    ].join('\n'),
    metrics: { traversal_escapes_allowed: escapesAllowed },
  });
  return sections;
}

function isInside(path: string, cwd: string): boolean {
  const abs = path.startsWith('/') ? path : `${cwd}/${path}`;
  const parts: string[] = [];
  for (const seg of abs.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const norm = `/${parts.join('/')}`;
  return norm === cwd || norm.startsWith(`${cwd}/`);
}
