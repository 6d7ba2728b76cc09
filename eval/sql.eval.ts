// SQL corpora: injection payload lists (as whole queries, and spliced into a
// typical query the way a vulnerable application would), and benign Spider
// queries. Reports parse rates, statement kinds and coding-agent decisions.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule } from 'libpg-query';
import { analyzeSql } from '../src/analyze/sql/analyze.ts';
import { createFirewall } from '../src/firewall.ts';
import { corpus, CORPORA, mdTable, pct, REPO, type EvalSection } from './lib.ts';

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

export default async function sqlEval(): Promise<EvalSection[]> {
  await loadModule();
  const fw = await createFirewall({ policy: join(REPO, 'policies', 'coding-agent.yaml') });
  const decide = (query: string, dialect?: string) => fw.guard({ kind: 'sql', args: { query, ...(dialect ? { dialect } : {}) } });
  const dir = join(CORPORA, 'sql');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('patt-')).sort() : [];
  const rows: Array<Array<string | number>> = [];
  const tot = { n: 0, unparseable: 0, raw: { deny: 0, ask: 0, allow: 0 }, spliced: { deny: 0, ask: 0, allow: 0 }, splicedChanged: 0, splicedParsed: 0, splicedInjection: 0 };
  const kindCounts = new Map<string, number>();
  const shapeCounts = new Map<string, number>();
  const STRING_CTX = (p: string) => `SELECT * FROM items WHERE name = '${p}'`;
  const NUMBER_CTX = (p: string) => `SELECT * FROM items WHERE id = ${p}`;
  for (const f of files) {
    const payloads = lines(join(dir, f));
    let unparseable = 0;
    const raw = { deny: 0, ask: 0, allow: 0 };
    const spliced = { deny: 0, ask: 0, allow: 0 };
    let changed = 0;
    let splicedParsed = 0;
    let splicedInjection = 0;
    for (const p of payloads) {
      const a = analyzeSql(p);
      if (a.unparseable) unparseable++;
      for (const k of a.kinds) kindCounts.set(k, (kindCounts.get(k) ?? 0) + 1);
      raw[decide(p).effect]++;
      // Spliced into a typical vulnerable query, string and numeric context; the worse decision counts.
      const ds = [decide(STRING_CTX(p)), decide(NUMBER_CTX(p))];
      // Injection shapes in the spliced queries that parse (either context; the shapes of both count once).
      // Only where the payload left its slot: a quote in the string context, more than a number in the numeric one.
      const fs = [...(p.includes("'") ? [analyzeSql(STRING_CTX(p))] : []), ...(/^\s*-?[\d.]+\s*$/.test(p) ? [] : [analyzeSql(NUMBER_CTX(p))])].filter((x) => !x.unparseable);
      if (fs.length > 0) splicedParsed++;
      const shapes = new Set(fs.flatMap((x) => x.injection));
      if (shapes.size > 0) splicedInjection++;
      for (const r of shapes) shapeCounts.set(r, (shapeCounts.get(r) ?? 0) + 1);
      const worst = ds.some((d) => d.effect === 'deny') ? 'deny' : ds.some((d) => d.effect === 'ask') ? 'ask' : 'allow';
      spliced[worst]++;
      if (worst !== 'allow') changed++;
    }
    rows.push([f.replace(/^patt-/, ''), payloads.length, pct(unparseable / payloads.length), raw.deny, raw.ask, raw.allow, spliced.deny, spliced.ask, spliced.allow, `${splicedInjection} / ${splicedParsed}`]);
    tot.n += payloads.length;
    tot.unparseable += unparseable;
    for (const k of ['deny', 'ask', 'allow'] as const) {
      tot.raw[k] += raw[k];
      tot.spliced[k] += spliced[k];
    }
    tot.splicedChanged += changed;
    tot.splicedParsed += splicedParsed;
    tot.splicedInjection += splicedInjection;
  }
  rows.push(['**all payload lists**', tot.n, pct(tot.unparseable / Math.max(1, tot.n)), tot.raw.deny, tot.raw.ask, tot.raw.allow, tot.spliced.deny, tot.spliced.ask, tot.spliced.allow, `${tot.splicedInjection} / ${tot.splicedParsed} (${pct(tot.splicedInjection / Math.max(1, tot.splicedParsed))})`]);

  const sections: EvalSection[] = [
    {
      title: 'SQL: injection payload lists under coding-agent',
      markdown: [
        'Each payload as a whole query (dialect unknown: PostgreSQL, then MySQL, then SQLite), and spliced into `SELECT * FROM items WHERE name = \'…\'` and `… WHERE id = …` (the stricter decision of the two counts).',
        'A spliced payload that still parses as one plain SELECT is judged by its injection shapes, read from the parse tree (`sql: { injection }`): an OR branch that is always true, a UNION arm of constants or reading the system catalog, a query followed by a change, a trailing comment that cuts off a quote. coding-agent denies the first three and asks on the last. "injection / parsed" counts payloads with a shape in a spliced query that parses, out of payloads that left their slot and still parse (a quote in the string context, more than a number in the numeric one; a payload without a quote is only a string literal there).',
        '',
        mdTable(['list', 'payloads', 'unparseable alone', 'deny', 'ask', 'allow', 'spliced: deny', 'spliced: ask', 'spliced: allow', 'spliced: injection / parsed'], rows),
        '',
        `Statement kinds among payloads that parse alone: ${[...kindCounts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
        '',
        `Injection shapes among spliced payloads (a payload may show several): ${[...shapeCounts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
      ].join('\n'),
      metrics: {
        sql_spliced_injection_rate: tot.splicedInjection / Math.max(1, tot.splicedParsed), sql_payloads: tot.n, sql_payload_unparseable_rate: tot.unparseable / Math.max(1, tot.n), sql_payload_stopped_rate: (tot.raw.deny + tot.raw.ask) / Math.max(1, tot.n), sql_spliced_stopped_rate: tot.splicedChanged / Math.max(1, tot.n) },
    },
  ];

  const spider = corpus('sql', 'spider-gold-example.txt');
  if (existsSync(spider)) {
    const qs = lines(spider).map((l) => l.split('\t')[0]!);
    let parsed = 0;
    let read = 0;
    let allowed = 0;
    let flagged = 0;
    const flaggedSample: string[] = [];
    const failures: string[] = [];
    for (const q of qs) {
      const a = analyzeSql(q, 'sqlite');
      if (!a.unparseable) parsed++;
      else if (failures.length < 10) failures.push(`\`${q.slice(0, 90)}\`: ${a.error}`);
      if (!a.unparseable && a.kinds.length === 1 && a.kinds[0] === 'read') read++;
      if (a.injection.length > 0) {
        flagged++;
        if (flaggedSample.length < 10) flaggedSample.push(`\`${q.slice(0, 90)}\`: ${a.injection.join(', ')}`);
      }
      if (decide(q, 'sqlite').effect === 'allow') allowed++;
    }
    sections.push({
      title: 'SQL: Spider benign queries (SQLite)',
      markdown: [
        `${qs.length} gold SELECT queries from ${spider}.`,
        '',
        mdTable(['queries', 'parsed', 'kind read', 'injection shape (false positive)', 'allowed by coding-agent'], [[qs.length, pct(parsed / qs.length), pct(read / qs.length), flagged, pct(allowed / qs.length)]]),
        '',
        ...(flaggedSample.length ? [`Flagged as injection (first ${flaggedSample.length}):\n\n${flaggedSample.map((f) => `- ${f}`).join('\n')}`, ''] : []),
        failures.length ? `Parse failures (first ${failures.length}):\n\n${failures.map((f) => `- ${f}`).join('\n')}` : 'Every query parsed.',
      ].join('\n'),
      metrics: { spider_parse_rate: parsed / qs.length, spider_read_rate: read / qs.length, spider_allow_rate: allowed / qs.length, spider_injection_flagged: flagged },
    });
  }
  return sections;
}
