import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `mosaic publisher create` keeps a publisher's private key unless told otherwise, and so
 * where `mosaic-plugin publish` looks for it: a per-user config folder, never the working
 * directory, so a key cannot end up committed with a project.
 */
export function publisherKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'mosaic', 'keys');
}

export const defaultPublisherKeyFile = (handle: string, env: NodeJS.ProcessEnv = process.env): string =>
  join(publisherKeyDir(env), `${handle}.publisher-key.pem`);
