// An MCP server launched as a child process, as an SDK Transport. Built on the
// bounded LineReader instead of the SDK's StdioClientTransport so that one
// oversized message from the server becomes an error answer to the request it
// belonged to (the server stays connected), and so that the child gets the
// proxy's whole environment (the client configured it for the server).

import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineReader, serialize } from './framing.ts';

export interface StdioUpstreamOptions {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** 'inherit' (default): the server's logs go to the proxy's stderr. */
  stderr?: 'inherit' | 'ignore' | 'pipe';
  maxMessageBytes: number;
}

export class StdioUpstream implements Transport {
  private child: ChildProcess | undefined;
  private readonly reader: LineReader;
  private exited = false;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** How the child ended, for error messages. */
  exitInfo = '';

  constructor(private readonly o: StdioUpstreamOptions) {
    this.reader = new LineReader(o.maxMessageBytes);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get stderr() {
    return this.child?.stderr ?? null;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('upstream already started');
    return new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
      Object.assign(env, this.o.env);
      const child = spawn(this.o.command, this.o.args ?? [], { env, cwd: this.o.cwd, stdio: ['pipe', 'pipe', this.o.stderr ?? 'inherit'], shell: false });
      this.child = child;
      child.once('spawn', () => resolve());
      child.once('error', (e) => {
        this.exitInfo = `could not start '${this.o.command}': ${e.message}`;
        reject(new Error(this.exitInfo));
        this.onerror?.(e);
        this.finish();
      });
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
      });
      child.once('close', () => this.finish());
      child.stdin?.on('error', (e) => this.onerror?.(e));
      child.stdout?.on('data', (chunk: Buffer) => {
        for (const f of this.reader.push(chunk)) {
          if (f.type === 'message') this.onmessage?.(f.message);
          else if (f.type === 'oversized') {
            this.onerror?.(new Error(`server sent a message of ${f.bytes}+ bytes (limit ${this.o.maxMessageBytes}); dropped`));
            if (f.id !== undefined) {
              this.onmessage?.({ jsonrpc: '2.0', id: f.id, error: { code: -32603, message: `AgentWall: the server's response was larger than ${this.o.maxMessageBytes} bytes and was dropped` } });
            }
          } else this.onerror?.(new Error(`server sent an invalid message (${f.error}); dropped`));
        }
      });
    });
  }

  private finish(): void {
    if (this.exited) return;
    this.exited = true;
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.exited || stdin.destroyed) throw new Error(`upstream server is not running${this.exitInfo ? ` (${this.exitInfo})` : ''}`);
    if (!stdin.write(serialize(message))) await new Promise<void>((r) => stdin.once('drain', r));
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    child.stdin?.end();
    const wait = (ms: number) => Promise.race([closed, new Promise<void>((r) => setTimeout(r, ms).unref())]);
    await wait(1000);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await wait(1000);
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
