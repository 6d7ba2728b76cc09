// The hash chain and checkpoint formats, shared by the writer and verify so
// they cannot drift apart. hash(n) = sha256(hash(n-1) "\n" seq "\n" body): the
// sequence number is inside the hash, so moving a record is detected as well
// as editing it. A checkpoint signs (seq, hash of record seq, time, signature
// of the previous checkpoint), which chains the checkpoints too.

import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

// crypto.hash (one-shot, no Hash object) is markedly cheaper per call; it exists from Node 20.12.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

export function recordHash(prev: string, seq: number, body: string): string {
  const input = `${prev}\n${seq}\n${body}`;
  return oneShot ? oneShot('sha256', input, 'hex') : createHash('sha256').update(input).digest('hex');
}

export interface CheckpointContent {
  seq: number;
  hash: string;
  ts: number;
  prevSig: string;
  keyId: string;
}

export function checkpointMessage(c: CheckpointContent): Buffer {
  return Buffer.from(`agentwall-checkpoint-v1\n${c.seq}\n${c.hash}\n${c.ts}\n${c.prevSig}\n${c.keyId}`);
}
