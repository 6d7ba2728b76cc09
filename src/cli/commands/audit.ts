// `agentwall audit verify | query | export`: prove the audit log is complete
// and unedited, and read it. verify exits 0 when intact, 1 when it found
// tampering (each problem printed with where it is), 3 on error (no database,
// missing key, unreadable file).
import type { Command } from 'commander';
import { closeSync, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { openStore, type Store } from '../../store/index.ts';
import { AUDIT_TYPES, exportRecords, loadVerifyKey, parseTime, queryRecords, verifyLog, type Anchor, type AuditQuery, type AuditType } from '../../audit/index.ts';
import { EXIT, fail } from '../exit.ts';

interface Filters {
  dataDir?: string;
  agent?: string;
  effect?: string;
  rule?: string;
  tool?: string;
  type?: string;
  session?: string;
  since?: string;
  until?: string;
  limit?: string;
}

export function registerAudit(program: Command): void {
  const cmd = program.command('audit').description('verify, query and export the tamper-evident audit log');
  const dataDir = (c: Command) => c.option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)');
  const filters = (c: Command) =>
    dataDir(c)
      .option('--agent <id>', 'principal id')
      .option('--effect <effect>', 'allow, deny or ask')
      .option('--rule <id>', 'a deciding rule')
      .option('--tool <name>', 'tool name (or action kind for shell, http, ...)')
      .option('--type <type>', `record type: ${AUDIT_TYPES.join(', ')}`)
      .option('--session <id>', 'session id')
      .option('--since <time>', 'from this time: ISO 8601, epoch ms, or a duration ago (15m, 2h, 7d)')
      .option('--until <time>', 'before this time (same forms)');

  dataDir(cmd.command('verify'))
    .description('check every hash, link and signed checkpoint; exit 0 intact, 1 tampered, 3 error')
    .option('--public-key <file>', 'verify with this public key (PEM) instead of the data directory key')
    .option('--anchor <file|seq:hash>', 'a hash kept elsewhere: an earlier export (its last line counts) or SEQ:HASH')
    .option('--json', 'print the report as JSON')
    .action((opts: { dataDir?: string; publicKey?: string; anchor?: string; json?: boolean }) =>
      withStore(opts.dataDir, (store) => {
        const key = loadVerifyKey(store.dataDir, opts.publicKey);
        const r = verifyLog(store, key, { anchor: opts.anchor !== undefined ? readAnchor(opts.anchor) : undefined });
        if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          const head = `${r.records} records, ${r.checkpoints} checkpoints (key ${r.keyId}), last checkpoint at record ${r.lastCheckpointSeq}`;
          if (r.ok) {
            process.stdout.write(`ok: ${head}\n`);
            if (r.unsignedTail > 0) process.stdout.write(`note: the last ${r.unsignedTail} records are chained but not yet covered by a signed checkpoint\n`);
          } else {
            process.stdout.write(`TAMPERED: ${r.problems.length}${r.truncatedProblems ? '+' : ''} problem(s) in ${store.file} (${head})\n`);
            for (const p of r.problems) process.stdout.write(`  ${p.seq !== undefined ? `record ${p.seq}` : 'log'}: [${p.kind}] ${p.message}\n`);
          }
        }
        process.exitCode = r.ok ? EXIT.ok : EXIT.failed;
      }),
    );

  filters(cmd.command('query'))
    .description('records matching the filters, oldest first (newest N with --last)')
    .option('-n, --limit <n>', 'at most this many records', '100')
    .option('--last', 'the newest records instead of the oldest')
    .option('--json', 'print a JSON array of records')
    .action((opts: Filters & { json?: boolean; last?: boolean }) =>
      withStore(opts.dataDir, (store) => {
        const q = { ...toQuery(opts), desc: opts.last ?? false };
        const recs = [...queryRecords(store, q)];
        if (opts.last) recs.reverse();
        if (opts.json) return void process.stdout.write(`${JSON.stringify(recs, null, 2)}\n`);
        const rows = recs.map((r) => [String(r.seq), new Date(r.ts).toISOString(), r.type, r.principal ?? '-', r.session ?? '-', r.tool ?? '-', r.effect ?? '-', (r.rules ?? []).join(',') || '-', summary(r.data)]);
        const head = ['SEQ', 'TIME', 'TYPE', 'AGENT', 'SESSION', 'TOOL', 'EFFECT', 'RULES', 'DETAIL'];
        const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
        const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
        process.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
        if (rows.length === 0) process.stdout.write('(no matching records)\n');
      }),
    );

  filters(cmd.command('export'))
    .description('write matching records as JSON lines (with seq, prevHash and hash, for external verification)')
    .option('-o, --out <file>', 'write to this file (default: stdout)')
    .option('-n, --limit <n>', 'at most this many records')
    .action(async (opts: Filters & { out?: string }) => {
      let store: Store | undefined;
      try {
        store = openStore({ dataDir: opts.dataDir, readonly: true });
        const q = toQuery(opts);
        if (!opts.out) {
          exportRecords(store, q, (l) => process.stdout.write(l));
          return;
        }
        const file = createWriteStream(opts.out, { mode: 0o600 });
        const failed = new Promise<never>((_, reject) => file.on('error', reject));
        let n = 0;
        for (const r of queryRecords(store, q)) {
          n++;
          if (!file.write(`${JSON.stringify(r)}\n`)) await Promise.race([new Promise<void>((res) => file.once('drain', () => res())), failed]);
        }
        await Promise.race([new Promise<void>((res) => file.end(() => res())), failed]);
        process.stderr.write(`exported ${n} records to ${opts.out}\n`);
      } catch (e) {
        fail((e as Error).message);
      } finally {
        store?.close();
      }
    });
}

function withStore(dataDir: string | undefined, fn: (s: Store) => void): void {
  let store: Store | undefined;
  try {
    store = openStore({ dataDir, readonly: true });
    fn(store);
  } catch (e) {
    fail((e as Error).message);
  } finally {
    store?.close();
  }
}

function readAnchor(arg: string): Anchor {
  const direct = /^(\d+):([0-9a-f]{64})$/.exec(arg);
  if (direct) return { seq: Number(direct[1]), hash: direct[2]! };
  let text: string;
  try {
    // Only the end of the file matters: the last record's hash vouches for all before it.
    const fd = openSync(arg, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 256 * 1024);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new Error(`--anchor: cannot read ${arg}: ${(e as Error).message} (expected an export file or SEQ:HASH)`);
  }
  const last = text.trimEnd().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(last) as { seq?: unknown; hash?: unknown };
    if (typeof r.seq === 'number' && typeof r.hash === 'string' && /^[0-9a-f]{64}$/.test(r.hash)) return { seq: r.seq, hash: r.hash };
  } catch {
    /* reported below */
  }
  throw new Error(`--anchor: the last line of ${arg} is not an exported record with seq and hash`);
}

function toQuery(o: Filters): AuditQuery {
  if (o.type !== undefined && !AUDIT_TYPES.includes(o.type as AuditType)) throw new Error(`--type: expected one of ${AUDIT_TYPES.join(', ')}`);
  if (o.effect !== undefined && !['allow', 'deny', 'ask'].includes(o.effect)) throw new Error('--effect: expected allow, deny or ask');
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new Error(`--limit: expected a non-negative integer, got '${o.limit}'`);
  return {
    agent: o.agent,
    effect: o.effect,
    rule: o.rule,
    tool: o.tool,
    type: o.type as AuditType | undefined,
    session: o.session,
    since: o.since !== undefined ? parseTime(o.since) : undefined,
    until: o.until !== undefined ? parseTime(o.until) : undefined,
    limit,
  };
}

function summary(data: Record<string, unknown> | undefined): string {
  if (!data) return '';
  const reasons = data.reasons as string[] | undefined;
  const s = typeof data.event === 'string' ? `${data.event}${data.outcome ? `: ${String(data.outcome)}` : ''}` : reasons?.[0] ?? '';
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
