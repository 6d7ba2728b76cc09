// The `path` analyzer: every file path an action touches, made absolute and
// normalized (`~`, `$HOME`, `.`, `..`, repeated slashes), with symlinks of the
// existing prefix resolved, so a policy decides on where the path really
// points. File actions give one path (args.path); shell actions give every
// path their commands touch (see analyze/shell). This is the only analyzer
// that touches the file system (realpath of the existing prefix).

import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { Minimatch } from 'minimatch';
import type { Action } from '../action.ts';
import type { Analyzer } from './facts.ts';
import { LruCache } from './lru.ts';
import type { ShellAnalyzer } from './shell/index.ts';
import type { PathAccess } from './shell/programs.ts';

export type { PathAccess } from './shell/programs.ts';

export interface PathFact {
  /** As the action gave it. */
  raw: string;
  /** Absolute, normalized, symlinks of the existing prefix resolved. */
  path: string;
  /** Absolute and normalized, before symlink resolution. */
  lexical: string;
  access: PathAccess;
  /** Which program touches it (`redirect`, `file.write`, ...). */
  by: string;
  /** Protected categories the path falls in (ssh, cloud, env, ...); empty when none. */
  protected: string[];
  /** Inside the action's working directory. */
  inWorkspace: boolean;
  /** Holds a variable other than $HOME, or a glob: the real target is known only at run time. */
  dynamic: boolean;
}

export interface PathFacts {
  paths: PathFact[];
  /** Working directory the paths were resolved against (real path). */
  cwd: string;
  /** Some path is dynamic, or the shell line could not be resolved. */
  unresolved: boolean;
}

export const MAX_PATH_CHARS = 4096;
const MAX_PATHS = 256;

export function homeDir(): string {
  return process.env.HOME || homedir();
}

/** Expands `~`, `~/…`, `$HOME`, `${HOME}` and makes the path absolute against cwd; then normalizes lexically. */
export function normalizePath(raw: string, cwd: string, home = homeDir()): string {
  let p = raw;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  else if (/^~[A-Za-z_][\w.-]*(\/|$)/.test(p)) p = `/home/${p.slice(1)}`;
  else if (p === '$HOME' || p.startsWith('$HOME/')) p = home + p.slice(5);
  else if (p === '${HOME}' || p.startsWith('${HOME}/')) p = home + p.slice(7);
  if (!p.startsWith('/')) p = `${cwd}/${p}`;
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Resolves symlinks of the longest existing prefix; the non-existing rest is appended as is. */
export function realpathPrefix(abs: string): string {
  let head = abs;
  let tail = '';
  for (let i = 0; i < 256; i++) {
    try {
      // The libc realpath: one call, where fs.realpathSync walks every component in JS with an lstat each.
      const real = realpathSync.native(head);
      return tail ? posix.join(real, tail) : real;
    } catch {
      if (head === '/' || head === '') return abs;
      tail = tail ? posix.join(posix.basename(head), tail) : posix.basename(head);
      head = posix.dirname(head);
    }
  }
  return abs;
}

/** Is `p` equal to `root` or below it? Both absolute and normalized. */
export function within(p: string, root: string): boolean {
  if (root === '/') return true;
  return p === root || p.startsWith(`${root}/`);
}

/** Fully resolved form of a root a policy names (`/tmp`, `~/work`). */
export function resolveRoot(raw: string, cwd = process.cwd()): string {
  return realpathPrefix(normalizePath(raw, cwd));
}

/**
 * The default protected set: credentials, secrets, shell startup files, git
 * hooks, agent configuration and AgentWall's own files. `~` is the home
 * directory; `{cwd}` the action's working directory; patterns without a
 * leading slash match at any depth.
 */
export const PROTECTED: Readonly<Record<string, readonly string[]>> = {
  ssh: ['~/.ssh/**', '~/.ssh', '/etc/ssh/*_key', '/etc/ssh/*_key.pub', '**/id_rsa', '**/id_rsa.*', '**/id_dsa', '**/id_ecdsa', '**/id_ecdsa.*', '**/id_ed25519', '**/id_ed25519.*', '**/authorized_keys', '**/known_hosts'],
  cloud: ['~/.aws/**', '~/.config/gcloud/**', '~/.azure/**', '~/.kube/**', '~/.docker/config.json', '~/.oci/**', '~/.terraform.d/credentials.tfrc.json', '~/.config/doctl/**', '~/.boto', '**/*.tfstate', '**/*.tfstate.backup', '**/gcloud/application_default_credentials.json', '**/service-account*.json'],
  credentials: ['~/.netrc', '~/.npmrc', '~/.pypirc', '~/.git-credentials', '~/.config/git/credentials', '~/.config/gh/hosts.yml', '~/.gnupg/**', '~/.password-store/**', '**/.pgpass', '**/.my.cnf', '~/.vault-token', '~/.cargo/credentials*', '~/.gem/credentials', '~/.local/share/keyrings/**', '~/.mozilla/**', '~/.config/google-chrome/**', '~/.config/chromium/**', '/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/sudoers', '/etc/sudoers.d/**', '/etc/master.passwd', '/proc/*/environ', '/proc/*/mem', '/root/.ssh/**', '**/*.key', '**/*.p12', '**/*.pfx', '**/*.keystore', '**/*.jks'],
  env: ['**/.env', '**/.env.!(example|sample|template|dist|defaults)', '**/.envrc', '**/.env.*.local'],
  'shell-rc': ['~/.bashrc', '~/.bash_profile', '~/.bash_login', '~/.bash_logout', '~/.profile', '~/.zshrc', '~/.zprofile', '~/.zshenv', '~/.zlogin', '~/.config/fish/**', '~/.inputrc', '/etc/profile', '/etc/profile.d/**', '/etc/bash.bashrc', '/etc/bashrc', '/etc/zsh/**', '/etc/environment', '~/.bash_history', '~/.zsh_history'],
  'git-hooks': ['**/.git/hooks/**', '**/.git/hooks', '**/.git/config', '**/.husky/**', '~/.gitconfig', '~/.config/git/config'],
  'agent-config': ['**/.claude/**', '**/.claude.json', '**/CLAUDE.md', '**/.cursor/**', '**/.cursorrules', '**/.codex/**', '**/.gemini/**', '**/GEMINI.md', '**/AGENTS.md', '**/.github/copilot-instructions.md', '**/.aider*', '**/.continue/**', '**/.windsurfrules', '**/.mcp.json', '**/.vscode/settings.json', '**/.vscode/tasks.json'],
  agentwall: ['**/.agentwall/**', '**/.agentwall', '**/agentwall*.yaml', '**/agentwall*.yml', '{cwd}/policies/**', '{agentwall_home}/**'],
  persistence: ['/etc/cron*/**', '/etc/crontab', '/var/spool/cron/**', '/etc/systemd/**', '~/.config/systemd/**', '~/.config/autostart/**', '/etc/rc.local', '/etc/init.d/**', '/etc/ld.so.preload', '/etc/passwd', '/etc/group', '~/Library/LaunchAgents/**'],
};

export const PROTECTED_CATEGORIES = Object.keys(PROTECTED);

type ProtectedSets = Array<{ category: string; mm: Minimatch[] }>;

/** Compiled protected sets per (cwd, home, AgentWall home); few distinct working directories in practice. */
const compiledSets = new LruCache<string, ProtectedSets>(32);

function protectedMatchers(cwd: string, home: string): { key: string; sets: ProtectedSets } {
  const awHome = process.env.AGENTWALL_HOME ? resolveRoot(process.env.AGENTWALL_HOME, cwd) : `${cwd}/.agentwall`;
  const key = `${cwd}\u0000${home}\u0000${awHome}`;
  const hit = compiledSets.get(key);
  if (hit) return { key, sets: hit };
  const expand = (g: string): string[] => {
    let p = g.replace('{cwd}', cwd).replace('{agentwall_home}', awHome);
    if (p.startsWith('~/') || p === '~') p = home + p.slice(1);
    if (p.startsWith('**/')) return [`/${p}`];
    return [p];
  };
  const sets = Object.entries(PROTECTED).map(([category, globs]) => ({
    category,
    mm: globs.flatMap(expand).map((g) => new Minimatch(g, { dot: true, nocase: false, optimizationLevel: 2 })),
  }));
  compiledSets.set(key, sets);
  return { key, sets };
}

/** Category lookups are pure in (path, cwd, home): cached, bounded. */
const categoryCache = new LruCache<string, string[]>(8192);

/** Protected categories of an absolute path (checked on both its lexical and real form). */
export function protectedCategories(paths: readonly string[], cwd: string, home = homeDir()): string[] {
  const { key: setKey, sets } = protectedMatchers(cwd, home);
  const key = `${setKey}\u0000${paths.join('\u0000')}`;
  const hit = categoryCache.get(key);
  if (hit) return [...hit];
  const out: string[] = [];
  for (const { category, mm } of sets) {
    if (mm.some((m) => paths.some((p) => m.match(p)))) out.push(category);
  }
  if (key.length <= 8192) categoryCache.set(key, out);
  return [...out];
}

/** Working directory of an action: args.cwd, context.cwd, or the process's. */
export function actionCwd(action: Action): string {
  const c = action.args?.cwd ?? action.context?.cwd;
  const base = process.cwd();
  if (typeof c === 'string' && c !== '' && c.length <= MAX_PATH_CHARS && !c.includes('\u0000')) return realpathPrefix(normalizePath(c, base));
  return realpathPrefix(base);
}

const FILE_ACCESS: Readonly<Record<string, PathAccess>> = { 'file.read': 'read', 'file.write': 'write', 'file.delete': 'delete' };

export function factFor(raw: string, access: PathAccess, by: string, cwd: string, home: string): PathFact {
  const clean = raw.length > MAX_PATH_CHARS ? raw.slice(0, MAX_PATH_CHARS) : raw.replaceAll('\u0000', '');
  const lexical = normalizePath(clean, cwd, home);
  const dynamic = /\$|[*?[]/.test(lexical) || clean !== raw;
  const path = realpathPrefix(lexical);
  return {
    raw, path, lexical, access, by,
    protected: protectedCategories(path === lexical ? [path] : [path, lexical], cwd, home),
    inWorkspace: within(path, cwd),
    dynamic,
  };
}

export function createPathAnalyzer(shell: ShellAnalyzer): Analyzer<PathFacts> {
  return {
    name: 'path',
    analyze(action: Action): PathFacts {
      const cwd = actionCwd(action);
      const home = homeDir();
      const access = FILE_ACCESS[action.kind];
      if (access) {
        const p = action.args?.path;
        // A file action without a usable path cannot be judged: report it unresolved.
        if (typeof p !== 'string' || p === '') return { paths: [], cwd, unresolved: true };
        const f = factFor(p, access, action.kind, cwd, home);
        return { paths: [f], cwd, unresolved: f.dynamic };
      }
      if (action.kind === 'shell') {
        const s = shell.analyze(action);
        const paths = s.paths.slice(0, MAX_PATHS).map((x) => factFor(x.raw, x.access, x.by, cwd, home));
        return { paths, cwd, unresolved: s.unresolved || s.paths.length > MAX_PATHS || paths.some((x) => x.dynamic) };
      }
      return { paths: [], cwd, unresolved: false };
    },
  };
}
