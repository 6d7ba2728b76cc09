// Persisted tool-contract pins: server -> tool -> { hash, contract }. A JSON
// file of its own in the data dir (mcp-pins.json), written atomically (temp
// file + rename) and re-read before each write, so several proxies sharing a
// data dir keep each other's pins. Bounded: a server's pin set and the file
// are capped, and a corrupt file is an error, never silently replaced.

import { readFileSync, writeFileSync, renameSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolContract } from './contract.ts';

export const PINS_FILE = 'mcp-pins.json';
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_TOOLS_PER_SERVER = 10_000;

export interface Pin {
  hash: string;
  contract: ToolContract;
  pinnedAt: number;
  /** How it got pinned: first sight (trust on first use), or accepted after a change. */
  via: 'first-sight' | 'accepted' | 'allowed';
}

/** A contract seen but not pinned (changed, new or poisoned and withheld), kept so an operator can accept it. */
export interface Observed {
  hash: string;
  contract: ToolContract;
  seenAt: number;
  reason: string;
}

interface PinFile {
  version: 1;
  servers: Record<string, Record<string, Pin>>;
  withheld?: Record<string, Record<string, Observed>>;
}

/** Where pins live; in-memory for tests and library use, file-backed for the CLI. */
export interface PinStore {
  /** Pins of one server; undefined when the server was never seen. */
  server(name: string): Readonly<Record<string, Pin>> | undefined;
  set(server: string, tool: string, pin: Pin): void;
  remove(server: string, tool?: string): void;
  all(): Readonly<Record<string, Readonly<Record<string, Pin>>>>;
  /** Records a withheld contract for `accept`. */
  observe(server: string, tool: string, o: Observed): void;
  withheld(): Readonly<Record<string, Readonly<Record<string, Observed>>>>;
  /** Pins the last withheld contract of a tool; returns it, or undefined when none is withheld. */
  accept(server: string, tool: string): Observed | undefined;
  /** Picks up changes made by another process; cheap when nothing changed. */
  refresh(): void;
}

export class MemoryPinStore implements PinStore {
  protected data: PinFile = { version: 1, servers: {} };
  server(name: string) {
    return Object.prototype.hasOwnProperty.call(this.data.servers, name) ? this.data.servers[name] : undefined;
  }
  set(server: string, tool: string, pin: Pin): void {
    this.mutate((d) => {
      const s = (d.servers[server] ??= {});
      if (!(tool in s) && Object.keys(s).length >= MAX_TOOLS_PER_SERVER) throw new Error(`more than ${MAX_TOOLS_PER_SERVER} pinned tools for server '${server}'`);
      s[tool] = pin;
    });
  }
  remove(server: string, tool?: string): void {
    this.mutate((d) => {
      if (tool === undefined) delete d.servers[server];
      else if (d.servers[server]) delete d.servers[server][tool];
    });
  }
  all() {
    return this.data.servers;
  }
  observe(server: string, tool: string, o: Observed): void {
    if (this.data.withheld?.[server]?.[tool]?.hash === o.hash) return;
    this.mutate((d) => {
      const w = ((d.withheld ??= {})[server] ??= {});
      if (!(tool in w) && Object.keys(w).length >= MAX_TOOLS_PER_SERVER) return;
      w[tool] = o;
    });
  }
  withheld() {
    return this.data.withheld ?? {};
  }
  accept(server: string, tool: string): Observed | undefined {
    let found: Observed | undefined;
    this.mutate((d) => {
      const o = d.withheld?.[server]?.[tool];
      if (!o) return;
      found = o;
      (d.servers[server] ??= {})[tool] = { hash: o.hash, contract: o.contract, pinnedAt: Date.now(), via: 'accepted' };
      delete d.withheld![server]![tool];
    });
    return found;
  }
  refresh(): void {}
  protected mutate(fn: (d: PinFile) => void): void {
    fn(this.data);
  }
}

export class FilePinStore extends MemoryPinStore {
  readonly file: string;
  constructor(dataDir: string) {
    super();
    this.file = join(dataDir, PINS_FILE);
    this.data = this.read();
  }

  private mtime = 0;

  /** Re-reads the file when another process (or `agentwall mcp --accept`) changed it. */
  override refresh(): void {
    let m = 0;
    try {
      m = statSync(this.file).mtimeMs;
    } catch {
      return;
    }
    if (m !== this.mtime) this.data = this.read();
  }

  protected override mutate(fn: (d: PinFile) => void): void {
    const d = this.read();
    fn(d);
    const text = `${JSON.stringify(d, null, 1)}\n`;
    if (text.length > MAX_FILE_BYTES) throw new Error(`pin file would exceed ${MAX_FILE_BYTES} bytes`);
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.data = d;
    this.mtime = statSync(this.file).mtimeMs;
  }

  private read(): PinFile {
    if (!existsSync(this.file)) return { version: 1, servers: {} };
    this.mtime = statSync(this.file).mtimeMs;
    const text = readFileSync(this.file, 'utf8');
    if (text.length > MAX_FILE_BYTES) throw new Error(`pin file ${this.file} is larger than ${MAX_FILE_BYTES} bytes`);
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`pin file ${this.file} is not valid JSON (${(e as Error).message}); fix or remove it to re-pin every tool`);
    }
    const f = v as PinFile;
    if (!f || f.version !== 1 || typeof f.servers !== 'object' || f.servers === null) throw new Error(`pin file ${this.file} has an unknown format`);
    return f;
  }
}
