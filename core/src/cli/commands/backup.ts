import { BackupError, createBackup, restoreBackup } from '../../backup/index.js';
import { databaseConfigFromEnv } from '../../db/config.js';
import type { CliOptions } from '../main.js';
import { CliError, print, UsageError } from '../output.js';

/** A backup failure the operator can act on, printed as `mosaic: CODE: reason`. */
async function coded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.code, err.message);
    throw err;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** `mosaic backup <dir>`: the control plane and every tenant database, while the server runs. */
export async function backupCommand([dir, ...extra]: string[], options: CliOptions): Promise<void> {
  if (!dir || extra.length > 0) throw new UsageError('usage: mosaic backup <new folder> [--json]');
  const result = await coded(() => createBackup(databaseConfigFromEnv(), dir));
  const { manifest } = result;
  print(options.json,
    { dir: result.dir, databases: manifest.databases.length, bytes: manifest.databases.reduce((n, d) => n + d.bytes, 0), elapsedMs: result.elapsedMs },
    `backed up the control plane and ${manifest.databases.length - 1} tenant database(s) to ${result.dir} in ${seconds(result.elapsedMs)}`);
}

/** `mosaic restore <dir>`: verifies the backup, then restores it all or nothing (server stopped). */
export async function restoreCommand([dir, ...extra]: string[], options: CliOptions): Promise<void> {
  if (!dir || extra.length > 0) throw new UsageError('usage: mosaic restore <backup folder> [--force] [--json]');
  const result = await coded(() => restoreBackup(databaseConfigFromEnv(), dir, { force: options.force }));
  const notes = [
    result.replacedFilesDir ? `the replaced files were moved to ${result.replacedFilesDir}` : '',
    result.secretsKeyNotRestored ? 'the backup holds the embedded secrets key: set MOSAIC_SECRETS_KEY to the content of its secrets.key' : '',
  ].filter(Boolean);
  print(options.json, { ...result },
    [`restored ${result.databases} database(s) in ${seconds(result.elapsedMs)}`, ...notes].join('\n'));
}
