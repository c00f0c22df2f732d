import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { publisherKeyDir } from '@mosaic/sdk/publish';

// Where keys go by default is the SDK's to say: `mosaic-plugin publish` looks for them there.
export { defaultPublisherKeyFile, publisherKeyDir } from '@mosaic/sdk/publish';

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
