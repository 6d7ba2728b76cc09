// `agentwall keys create | list | revoke`: manage the gateway's API keys in
// the data directory (a running gateway picks changes up within a second).
// The token of a new key is printed once; only its hash is stored.
import type { Command } from 'commander';
import { ensureDataDir } from '../../store/index.ts';
import { KeyStore, ROLES, type Role } from '../../server/auth.ts';
import { fail } from '../exit.ts';

export function registerKeys(program: Command): void {
  const cmd = program.command('keys').description('create, list and revoke API keys of the gateway');
  const dataDir = (c: Command) => c.option('-d, --data-dir <dir>', 'data directory (default: $AGENTWALL_HOME or ./.agentwall)');

  dataDir(cmd.command('create'))
    .description('create a key and print its token (once)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', "the agent's principal id, or the approver's name (recorded on votes)")
    .option('--rate <n>', 'requests per second (token bucket refill)')
    .option('--burst <n>', 'burst size')
    .option('--json', 'print JSON')
    .action((opts: { dataDir?: string; role: string; name: string; rate?: string; burst?: string; json?: boolean }) =>
      run(opts.dataDir, (ks) => {
        if (!ROLES.includes(opts.role as Role)) throw new Error(`--role: expected one of ${ROLES.join(', ')}`);
        const num = (v: string | undefined, what: string) => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (!Number.isFinite(n) || n <= 0) throw new Error(`--${what}: expected a positive number`);
          return n;
        };
        const { token, key } = ks.create({ name: opts.name, role: opts.role as Role, rate: num(opts.rate, 'rate'), burst: num(opts.burst, 'burst') });
        if (opts.json) process.stdout.write(`${JSON.stringify({ token, id: key.id, name: key.name, role: key.role })}\n`);
        else process.stdout.write(`created ${key.role} key ${key.id} for ${key.name}; the token is shown once:\n${token}\n`);
      }),
    );

  dataDir(cmd.command('list'))
    .description('keys (ids, names, roles; never secrets)')
    .option('--json', 'print JSON')
    .action((opts: { dataDir?: string; json?: boolean }) =>
      run(opts.dataDir, (ks) => {
        const keys = ks.list().map((k) => ({ id: k.id, name: k.name, role: k.role, createdAt: new Date(k.createdAt).toISOString(), revoked: k.revokedAt ? new Date(k.revokedAt).toISOString() : undefined }));
        if (opts.json) return void process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
        if (keys.length === 0) return void process.stdout.write('no keys (the gateway creates an admin key on first start)\n');
        for (const k of keys) process.stdout.write(`${k.id}  ${k.role.padEnd(8)}  ${k.name}  created ${k.createdAt}${k.revoked ? `  REVOKED ${k.revoked}` : ''}\n`);
      }),
    );

  dataDir(cmd.command('revoke'))
    .description('revoke a key by id (takes effect within a second on a running gateway)')
    .argument('<id>')
    .action((id: string, opts: { dataDir?: string }) =>
      run(opts.dataDir, (ks) => {
        const k = ks.revoke(id);
        process.stdout.write(`revoked key ${k.id} (${k.role}, ${k.name})\n`);
      }),
    );
}

function run(dataDir: string | undefined, fn: (ks: KeyStore) => void): void {
  try {
    fn(new KeyStore(ensureDataDir(dataDir)));
  } catch (e) {
    fail((e as Error).message);
  }
}
