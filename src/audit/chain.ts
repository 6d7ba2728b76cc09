// The hash chain and checkpoint formats, shared by the writer and verify so
// they cannot drift apart. hash(n) = sha256(hash(n-1) "\n" seq "\n" body): the
// sequence number is inside the hash, so moving a record is detected as well
// as editing it. A checkpoint signs (seq, hash of record seq, time, signature
// of the previous checkpoint), which chains the checkpoints too.

import { sha256 } from '../hash.ts';

export const GENESIS = '0'.repeat(64);

export function recordHash(prev: string, seq: number, body: string): string {
  return sha256(`${prev}\n${seq}\n${body}`);
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
