// API keys of the gateway. A key is `aw_<id>_<secret>`: the id is public (it
// names the key in logs, metrics and the audit log), the secret is 32 random
// bytes. Only sha256(secret) is stored, in `gateway-keys.json` (mode 0600) in
// the data directory; a presented key is found by id and its hash compared in
// constant time, so neither a timing difference nor a leaked file gives a key
// away. Roles: agent (decide, scan), approver (approvals, read audit and
// profiles), admin (everything, including policy and keys). An agent key can
// never approve. The file is re-read when it changes, so `agentwall keys`
// run beside a live gateway takes effect within a second.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256, sha256Bytes } from '../hash.ts';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEYS_FILE = 'gateway-keys.json';
export const ROLES = ['agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  id: string;
  /** Who holds it: an agent's principal id, or an approver's name (used as the approver id on votes). */
  name: string;
  role: Role;
  /** sha256 of the secret, hex. */
  hash: string;
  createdAt: number;
  revokedAt?: number;
  /** Requests per second (token bucket refill) and burst; default by role. */
  rate?: number;
  burst?: number;
}

/** What the rest of the gateway sees about an authenticated caller: never the secret or its hash. */
export interface Caller {
  keyId: string;
  name: string;
  role: Role;
  rate: number;
  burst: number;
}

export const DEFAULT_RATES: Record<Role, { rate: number; burst: number }> = {
  agent: { rate: 50_000, burst: 100_000 },
  approver: { rate: 50, burst: 200 },
  admin: { rate: 200, burst: 1_000 },
};

const MAX_KEYS = 10_000;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;
const TOKEN_RE = /^aw_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export class KeyError extends Error {
  override name = 'KeyError';
}

interface KeyFile {
  version: 1;
  keys: ApiKey[];
}

export class KeyStore {
  readonly file: string;
  private byId = new Map<string, ApiKey>();
  private mtimeMs = -1;
  private size = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, KEYS_FILE);
    this.load();
  }

  /** Creates the first admin key when there is no key at all; returns its token (shown once), else undefined. */
  bootstrap(): { token: string; key: ApiKey } | undefined {
    if (this.byId.size > 0) return undefined;
    return this.create({ name: 'admin', role: 'admin' });
  }

  create(opts: { name: string; role: Role; rate?: number; burst?: number }): { token: string; key: ApiKey } {
    if (!ROLES.includes(opts.role)) throw new KeyError(`role must be one of ${ROLES.join(', ')}`);
    if (!NAME_RE.test(opts.name)) throw new KeyError('name must be 1..128 characters: letters, digits and . _ @ : - (starting with a letter or digit)');
    for (const [k, v] of [['rate', opts.rate], ['burst', opts.burst]] as const) {
      if (v !== undefined && (!Number.isFinite(v) || v <= 0 || v > 1e7)) throw new KeyError(`${k} must be a positive number up to 10,000,000`);
    }
    this.load();
    if (this.byId.size >= MAX_KEYS) throw new KeyError(`too many keys (${MAX_KEYS}); revoke unused ones`);
    const id = randomId();
    const secret = randomBytes(32).toString('base64url');
    const key: ApiKey = { id, name: opts.name, role: opts.role, hash: sha256(secret), createdAt: Date.now() };
    if (opts.rate !== undefined) key.rate = opts.rate;
    if (opts.burst !== undefined) key.burst = opts.burst;
    this.byId.set(id, key);
    this.save();
    return { token: `aw_${id}_${secret}`, key };
  }

  revoke(id: string): ApiKey {
    this.load();
    const k = this.byId.get(id);
    if (!k) throw new KeyError(`no key with id '${id}'`);
    if (!k.revokedAt) {
      k.revokedAt = Date.now();
      this.save();
    }
    return k;
  }

  list(): ApiKey[] {
    this.load();
    return [...this.byId.values()];
  }

  /** The caller a presented token belongs to, or undefined (unknown, malformed, revoked or wrong secret). */
  authenticate(token: string | undefined): Caller | undefined {
    if (!token) return undefined;
    const m = TOKEN_RE.exec(token);
    if (!m) return undefined;
    const k = this.byId.get(m[1]!);
    // Hash even for unknown ids so a miss costs the same as a wrong secret.
    const presented = sha256Bytes(m[2]!);
    const expected = k ? Buffer.from(k.hash, 'hex') : ZERO;
    const ok = timingSafeEqual(presented, expected.length === 32 ? expected : ZERO) && k !== undefined && !k.revokedAt;
    if (!ok) return undefined;
    const d = DEFAULT_RATES[k.role];
    return { keyId: k.id, name: k.name, role: k.role, rate: k.rate ?? d.rate, burst: k.burst ?? d.burst };
  }

  /** Re-reads the file every `ms` when it changed (keys created or revoked by the CLI). */
  watch(ms = 1000): void {
    this.timer ??= setInterval(() => {
      try {
        this.load();
      } catch (e) {
        process.stderr.write(`agentwall: keys: ${(e as Error).message} (keeping the keys loaded before)\n`);
      }
    }, ms).unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether a key id exists and is not revoked (dashboard sessions re-check this). */
  isActive(id: string): boolean {
    const k = this.byId.get(id);
    return k !== undefined && !k.revokedAt;
  }

  get count(): number {
    return this.byId.size;
  }

  private load(): void {
    if (!existsSync(this.file)) {
      this.byId = new Map();
      this.mtimeMs = -1;
      return;
    }
    const st = statSync(this.file);
    if (st.mtimeMs === this.mtimeMs && st.size === this.size) return;
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KeyError(`key file ${this.file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${this.file}`);
    }
    let parsed: KeyFile;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8')) as KeyFile;
    } catch (e) {
      throw new KeyError(`key file ${this.file} is not valid JSON: ${(e as Error).message}; restore it or move it aside (a new admin key is created when no file exists)`);
    }
    if (!parsed || !Array.isArray(parsed.keys)) throw new KeyError(`key file ${this.file} has no 'keys' list`);
    const next = new Map<string, ApiKey>();
    for (const k of parsed.keys.slice(0, MAX_KEYS)) {
      if (k && typeof k.id === 'string' && typeof k.hash === 'string' && /^[0-9a-f]{64}$/.test(k.hash) && ROLES.includes(k.role)) next.set(k.id, k);
    }
    this.byId = next;
    this.mtimeMs = st.mtimeMs;
    this.size = st.size;
  }

  private save(): void {
    const body: KeyFile = { version: 1, keys: [...this.byId.values()] };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
    const st = statSync(this.file);
    this.mtimeMs = st.mtimeMs;
    this.size = st.size;
  }
}

const ZERO = Buffer.alloc(32);



function randomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (const b of randomBytes(12)) s += alphabet[b % 36];
  return s;
}

/** Roles allowed to do each thing; admin may do everything. */
export const CAN = {
  decide: ['agent', 'admin'],
  scan: ['agent', 'admin'],
  approvalStatus: ['agent', 'approver', 'admin'],
  approve: ['approver', 'admin'],
  read: ['approver', 'admin'],
  policyWrite: ['admin'],
  keys: ['admin'],
  metrics: ['agent', 'approver', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof CAN;

export function allowed(role: Role, what: Permission): boolean {
  return (CAN[what] as readonly Role[]).includes(role);
}
