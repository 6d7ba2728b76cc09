// Helpers for the hook tests: build dist/ when the hook sources are newer,
// spawn the built hook binary the way an agent does (stdin in, stdout and exit
// code out), and stop the hook daemons a test started.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const HOOK_BIN = join(ROOT, 'dist', 'src', 'adapters', 'hooks', 'main.js');
export const CLI_BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const POLICY = join(ROOT, 'test', 'hooks', 'fixtures', 'policy.yaml');

function newestSource(): number {
  // Any source the binary runs: a change anywhere under src/ means rebuild.
  let newest = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(join(ROOT, 'src'));
  return newest;
}

/** Builds dist/ (tsc emits even when someone else's work in progress has type errors) when the hook sources changed. */
export function ensureHookBuild(): void {
  const fresh = () => existsSync(HOOK_BIN) && existsSync(CLI_BIN) && statSync(HOOK_BIN).mtimeMs >= newestSource();
  if (fresh()) return;
  // The test runner runs files in parallel processes: one builds, the others wait for it.
  const lock = join(ROOT, 'dist', '.hook-tests-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  let fd: number | undefined;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    const until = Date.now() + 180_000;
    while (existsSync(lock) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    if (fresh()) return;
  }
  try {
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
  if (!existsSync(HOOK_BIN)) throw new Error('build did not produce the hook binary');
}

export interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runHookBin(args: string[], input: string, opts: { env?: Record<string, string>; bin?: string; timeoutMs?: number } = {}): HookRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [opts.bin ?? HOOK_BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, AGENTWALL_HOOKD_IDLE_MS: '60000', ...opts.env },
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

export function tempDir(prefix = 'aw-hooks-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Stops every hook daemon whose socket lives under dataDir, then removes the directory. */
export function cleanup(dataDir: string): void {
  const run = join(dataDir, 'run');
  if (existsSync(run)) {
    for (const f of readdirSync(run)) {
      if (!f.endsWith('.pid')) continue;
      let pid: number;
      try {
        pid = Number(readFileSync(join(run, f), 'utf8').trim());
      } catch {
        continue; // that daemon already exited and removed its pid file
      }
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      // Wait for it to exit so it does not write into the directory being removed.
      const until = Date.now() + 3_000;
      while (Date.now() < until) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

export function parseOut(stdout: string): unknown {
  const t = stdout.trim();
  return t === '' ? '' : JSON.parse(t);
}
