import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../db/config.js';
import { ensurePrivateDir } from '../../db/private-files.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * Encrypts secrets at rest with AES-256-GCM. The ciphertext is bound to where it belongs
 * (`context`, e.g. installation id + secret name) as associated data, so a ciphertext copied to
 * another installation's row does not decrypt there.
 */
export class SecretVault {
  #key: Buffer | undefined;

  /** `key` may be a function: then it is read on first use, so a server without plugin secrets needs none. */
  constructor(private readonly source: Buffer | (() => Buffer)) {
    if (Buffer.isBuffer(source)) this.#key = checked(source);
  }

  private get key(): Buffer {
    this.#key ??= checked((this.source as () => Buffer)());
    return this.#key;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(ciphertext: string, context: string): string {
    const raw = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + 16));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + 16)), decipher.final()]).toString('utf8');
  }
}

function checked(key: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new Error(`the secrets key must be ${KEY_BYTES} bytes`);
  return key;
}

/**
 * The vault's key: MOSAIC_SECRETS_KEY (base64 of 32 bytes) when set — required with a libsql
 * server — or, on the embedded default, a key file created once in the data folder (owner-only).
 */
export function vaultFromEnv(database: DatabaseConfig, env: NodeJS.ProcessEnv = process.env): SecretVault {
  return new SecretVault(() => vaultKey(database, env));
}

function vaultKey(database: DatabaseConfig, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env.MOSAIC_SECRETS_KEY;
  if (fromEnv) return Buffer.from(fromEnv, 'base64');
  if (database.kind !== 'embedded') {
    throw new Error('MOSAIC_SECRETS_KEY (base64 of 32 random bytes) must be set when using a libsql server');
  }
  const file = join(database.dataDir, 'secrets.key');
  if (!existsSync(file)) {
    ensurePrivateDir(database.dataDir);
    writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600); // a key file an older version wrote readable by others
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
