// The Ed25519 key that signs audit checkpoints. Created on first use in the
// data directory with mode 0600 (written to a temp file and linked into place,
// so two processes starting together end up with the same key). The public key
// is written next to it so auditors can verify without the private key.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEY_FILE = 'audit-signing.key';
export const PUBLIC_KEY_FILE = 'audit-signing.pub';

export class KeyError extends Error {
  override name = 'KeyError';
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  file: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Loads the signing key of a data directory; creates it when `create` and it does not exist. */
export function loadSigningKey(dataDir: string, opts: { create: boolean }): SigningKey {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    if (!opts.create) throw new KeyError(`audit signing key missing: ${file}; restore it from backup (checkpoints cannot be signed or verified without it)`, file);
    createKey(dataDir, file);
  }
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new KeyError(`audit signing key ${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 ${file}`, file);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (e) {
    throw new KeyError(`audit signing key ${file} is unreadable or not a key: ${(e as Error).message}`, file);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyError(`audit signing key ${file} is not an Ed25519 key`, file);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), file };
}

/** The public key to verify with: an explicit PEM file, else the data directory's key. */
export function loadVerifyKey(dataDir: string, publicKeyFile?: string): { publicKey: KeyObject; keyId: string; file: string } {
  if (publicKeyFile) {
    try {
      const publicKey = createPublicKey(readFileSync(publicKeyFile));
      return { publicKey, keyId: keyIdOf(publicKey), file: publicKeyFile };
    } catch (e) {
      throw new KeyError(`cannot read public key ${publicKeyFile}: ${(e as Error).message}`, publicKeyFile);
    }
  }
  const k = loadSigningKey(dataDir, { create: false });
  return { publicKey: k.publicKey, keyId: k.keyId, file: k.file };
}

function createKey(dataDir: string, file: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const tmp = join(dataDir, `.${KEY_FILE}.${process.pid}.${Date.now()}`);
  writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
    writeFileSync(join(dataDir, PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw new KeyError(`cannot create audit signing key ${file}: ${(e as Error).message}`, file);
  } finally {
    unlinkSync(tmp);
  }
}
