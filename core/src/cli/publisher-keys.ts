import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where `publisher create` keeps a publisher's private key unless told otherwise: a per-user
 * config folder, never the working directory, so a key cannot end up committed with a project.
 */
export function publisherKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'mosaic', 'keys');
}

export const defaultPublisherKeyFile = (handle: string, env: NodeJS.ProcessEnv = process.env): string =>
  join(publisherKeyDir(env), `${handle}.publisher-key.pem`);

/**
 * Writes a private key readable by its owner only, refusing to overwrite a file. The default
 * folder is made owner-only too (a folder the user named is left as it is).
 */
export function writePrivateKey(file: string, pem: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (dir === publisherKeyDir(env)) chmodSync(dir, 0o700);
  writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
}
