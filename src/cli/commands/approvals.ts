// `agentwall approvals list | show | approve | deny`: answer pending approvals
// from a terminal. Works across processes: the waiting agent polls the store
// and sees the answer. Exit codes: 0 done, 1 refused (self-approval, already
// resolved, expired, duplicate or disallowed approver), 3 error.
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { openStore, type Store } from '../../store/index.ts';
import { AuditLog } from '../../audit/index.ts';
import { ApprovalQueue, ApprovalError, type ApprovalRequest } from '../../approval/index.ts';
import { EXIT, fail } from '../exit.ts';

interface Common {
  dataDir?: string;
  json?: boolean;
}

export function registerApprovals(program: Command): void {
  const cmd = program.command('approvals').description('list and answer actions waiting for human approval');
  const dataDir = (c: Command) => c.option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)');

  dataDir(cmd.command('list'))
    .description('pending approvals, newest first (--all: also resolved ones)')
    .option('--all', 'include approved, denied and expired approvals')
    .option('-n, --limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action((opts: Common & { all?: boolean; limit: string }) =>
      run(opts, (q) => {
        const list = q.list({ status: opts.all ? 'all' : 'pending', limit: Number(opts.limit) || 100 });
        if (opts.json) return out(JSON.stringify(list, null, 2));
        if (list.length === 0) return out(opts.all ? 'no approvals' : 'no pending approvals');
        const rows = list.map((a) => [a.id, a.status, a.principal ?? '-', a.session ?? '-', a.tool ?? a.kind, a.rules.join(',') || '-', `${a.votes.filter((v) => v.vote === 'approve').length}/${a.required}`, a.status === 'pending' ? `${left(a.expiresAt)}` : '-']);
        table(['ID', 'STATUS', 'AGENT', 'SESSION', 'TOOL', 'RULES', 'APPROVALS', 'EXPIRES IN'], rows);
      }),
    );

  dataDir(cmd.command('show'))
    .description('everything about one approval: action, facts, reasons, agent, session, votes')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action((id: string, opts: Common) =>
      run(opts, (q) => {
        q.expireDue();
        const a = q.get(id);
        if (!a) throw new ApprovalError('NOT_FOUND', `no approval with id '${id}'`);
        out(opts.json ? JSON.stringify(a, null, 2) : describe(a));
      }),
    );

  dataDir(cmd.command('approve'))
    .description('approve a pending action (quorum rules need several distinct approvers)')
    .argument('<id>')
    .option('--as <approver>', 'your approver id (default: $AGENTWALL_APPROVER or your user name)')
    .option('-c, --comment <text>', 'why')
    .option('--remember', 'let identical actions of this agent pass for the rest of the session')
    .option('--json', 'print the approval as JSON')
    .action((id: string, opts: Common & { as?: string; comment?: string; remember?: boolean }) =>
      run(opts, (q) => report(q.approve(id, approverId(opts.as), { comment: opts.comment, remember: opts.remember ?? false }), opts.json), true),
    );

  dataDir(cmd.command('deny'))
    .description('deny a pending action (one deny is final)')
    .argument('<id>')
    .option('--as <approver>', 'your approver id (default: $AGENTWALL_APPROVER or your user name)')
    .option('-c, --comment <text>', 'why (shown to the agent)')
    .option('--json', 'print the approval as JSON')
    .action((id: string, opts: Common & { as?: string; comment?: string }) => run(opts, (q) => report(q.deny(id, approverId(opts.as), { comment: opts.comment }), opts.json), true));
}

/** Opens the store (and, for votes, the audit log so every vote is recorded) and maps errors to exit codes. */
function run(opts: Common, fn: (q: ApprovalQueue) => void, audited = false): void {
  let store: Store | undefined;
  let log: AuditLog | undefined;
  try {
    store = openStore({ dataDir: opts.dataDir, mustExist: true });
    if (audited) log = new AuditLog(store, { durability: 'sync' });
    fn(new ApprovalQueue(store, { audit: log }));
  } catch (e) {
    if (e instanceof ApprovalError && e.code !== 'NOT_FOUND' && e.code !== 'BAD_INPUT') {
      process.stderr.write(`agentwall: ${e.message}\n`);
      process.exitCode = EXIT.failed;
    } else fail((e as Error).message);
  } finally {
    log?.close();
    store?.close();
  }
}

function approverId(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.AGENTWALL_APPROVER) return process.env.AGENTWALL_APPROVER;
  try {
    return userInfo().username;
  } catch {
    throw new ApprovalError('BAD_INPUT', 'cannot tell who you are: pass --as <approver>');
  }
}

function report(a: ApprovalRequest, json?: boolean): void {
  if (json) return out(JSON.stringify(a, null, 2));
  if (a.status === 'pending') out(`approval ${a.id}: ${a.votes.filter((v) => v.vote === 'approve').length}/${a.required} approvals, still pending`);
  else out(`approval ${a.id} ${a.status}: ${a.outcome ?? ''}`);
}

function describe(a: ApprovalRequest): string {
  const lines = [
    `approval ${a.id}  ${a.status}${a.outcome ? ` (${a.outcome})` : ''}`,
    `agent:    ${a.principal ?? '(unknown)'}`,
    `session:  ${a.session ?? '(none)'}`,
    `action:   ${a.kind}${a.tool ? ` ${a.tool}` : ''}`,
    `created:  ${new Date(a.createdAt).toISOString()}`,
    `expires:  ${new Date(a.expiresAt).toISOString()}${a.status === 'pending' ? ` (in ${left(a.expiresAt)})` : ''}`,
    `approvals needed: ${a.required} distinct approver(s)${a.allowedApprovers ? ` from ${a.allowedApprovers.join(', ')}` : ''}`,
    `rules:    ${a.rules.join(', ') || '-'}`,
    'reasons:',
    ...a.reasons.map((r) => `  - ${r}`),
    'action (secret-looking values redacted):',
    indent(JSON.stringify(a.action, null, 2)),
  ];
  if (a.facts !== undefined) lines.push('facts:', indent(JSON.stringify(a.facts, null, 2)));
  lines.push(`votes:${a.votes.length ? '' : ' none'}`);
  for (const v of a.votes) lines.push(`  - ${v.vote} by ${v.approver} at ${new Date(v.at).toISOString()}${v.remember ? ' (remember for session)' : ''}${v.comment ? `: ${v.comment}` : ''}`);
  return lines.join('\n');
}

function left(t: number): string {
  const ms = t - Date.now();
  if (ms <= 0) return 'due';
  if (ms < 120_000) return `${Math.ceil(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${Math.round(ms / 3_600_000)}h`;
}

function indent(s: string): string {
  return s.replace(/^/gm, '  ');
}

function table(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  out([line(head), ...rows.map(line)].join('\n'));
}

function out(s: string): void {
  process.stdout.write(`${s}\n`);
}
