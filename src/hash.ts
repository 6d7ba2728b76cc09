// SHA-256 of a string, as hex or bytes. crypto.hash (one-shot, no Hash object;
// Node >= 20.12) is markedly cheaper per call than createHash, and these run
// per decision (audit chain, facts digest) and per request (API keys).

import * as crypto from 'node:crypto';

const oneShot = (crypto as { hash?: (alg: string, data: string, enc: string) => string | Buffer }).hash;

export function sha256(text: string): string {
  return oneShot ? (oneShot('sha256', text, 'hex') as string) : crypto.createHash('sha256').update(text).digest('hex');
}

export function sha256Bytes(text: string): Buffer {
  return oneShot ? (oneShot('sha256', text, 'buffer') as Buffer) : crypto.createHash('sha256').update(text).digest();
}
