import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPublisher } from '../../plugins/registry/index.js';
import type { CliOptions } from '../main.js';
import { print, UsageError } from '../output.js';
import { defaultPublisherKeyFile, writePrivateKey } from '../publisher-keys.js';
import { withPlatform } from './context.js';

/** Registers a publisher and writes its private key to a file only its owner can read. */
export async function publisherCommand([sub, handle]: string[], options: CliOptions): Promise<void> {
  if (sub !== 'create' || !handle) throw new UsageError('usage: mosaic publisher create <handle> [--name text] [--key-file path] [--json]');
  const keyFile = resolve(options['key-file'] ?? defaultPublisherKeyFile(handle));
  if (existsSync(keyFile)) throw new UsageError(`${keyFile} already exists; name another file with --key-file`);
  const { publisher, privateKeyPem } = await withPlatform((p) => createPublisher(p.control.db, { handle, name: options.name }));
  writePrivateKey(keyFile, privateKeyPem);
  print(options.json, { id: publisher.id, handle: publisher.handle, keyFile },
    `publisher ${publisher.handle} (${publisher.id}); private key written to ${keyFile} — keep it secret`);
}
