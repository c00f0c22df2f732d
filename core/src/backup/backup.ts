import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DatabaseConfig } from '../db/config.js';
import { packageRoot } from '../lib/package-root.js';
import { BackupError } from './errors.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_FILE, sha256File, type BackupManifest, type DatabaseEntry } from './manifest.js';
import { CONTROL_DATABASE, databaseFile, kindOf, SECRETS_KEY_FILE, tenantDatabaseNameOf } from './names.js';
import { namespaceExists } from './server-namespaces.js';
import { openSnapshotFile, snapshotDatabase } from './snapshot.js';

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
  elapsedMs: number;
}

/** Flushes a file or folder to disk, so a backup reported as written survives a power loss. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

function mosaicVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The tenants as the control plane's snapshot lists them: exactly the tenant databases to copy. */
async function tenantIdsIn(controlSnapshot: string): Promise<string[]> {
  const client = openSnapshotFile(controlSnapshot);
  try {
    const rs = await client.execute('select id from tenants order by created_at, id');
    return rs.rows.map((r) => String(r.id));
  } finally {
    client.close();
  }
}

/**
 * Backs up the control plane and every tenant database into the new folder `dest`, while the
 * platform serves. The control plane is copied first and the tenants it lists after, each in a
 * consistent snapshot of its own: a tenant created meanwhile is left out whole (neither its row
 * nor its data), never half in. Everything is written to a hidden folder beside `dest` and
 * renamed to `dest` only once complete and flushed, so a failed backup leaves no `dest`.
 * The folder is owner-only (0700, files 0600): it holds hashed API keys, encrypted plugin
 * secrets and, on the embedded default, the key that decrypts them.
 */
export async function createBackup(config: DatabaseConfig, dest: string): Promise<BackupResult> {
  const started = Date.now();
  const target = resolve(dest);
  if (existsSync(target)) throw new BackupError('BACKUP_EXISTS', `${target} already exists; a backup goes into a new folder`);
  const hasControlPlane = config.kind === 'embedded'
    ? existsSync(join(config.dataDir, databaseFile(CONTROL_DATABASE)))
    : await namespaceExists(config, CONTROL_DATABASE);
  if (!hasControlPlane) {
    const where = config.kind === 'embedded' ? config.dataDir : `the libsql server at ${config.url}`;
    throw new BackupError('BACKUP_SOURCE_MISSING', `no control plane in ${where}: nothing to back up`);
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const work = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`)); // mode 0700
  try {
    const databases: DatabaseEntry[] = [];
    const snapshot = async (name: string) => {
      const file = join(work, databaseFile(name));
      const rows = await snapshotDatabase(config, name, file);
      databases.push({ name, kind: kindOf(name), sha256: await sha256File(file), bytes: statSync(file).size, rows });
      return file;
    };
    const control = await snapshot(CONTROL_DATABASE);
    for (const tenantId of await tenantIdsIn(control)) await snapshot(tenantDatabaseNameOf(tenantId));

    let secretsKey: BackupManifest['secretsKey'] = null;
    const keyFile = config.kind === 'embedded' ? join(config.dataDir, SECRETS_KEY_FILE) : null;
    if (keyFile && existsSync(keyFile)) {
      const copy = join(work, SECRETS_KEY_FILE);
      copyFileSync(keyFile, copy);
      chmodSync(copy, 0o600);
      secretsKey = { sha256: await sha256File(copy) };
    }

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      mosaicVersion: mosaicVersion(),
      source: config.kind,
      databases,
      secretsKey,
    };
    writeFileSync(join(work, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    for (const d of databases) fsyncPath(join(work, databaseFile(d.name)));
    if (secretsKey) fsyncPath(join(work, SECRETS_KEY_FILE));
    fsyncPath(join(work, MANIFEST_FILE));
    fsyncPath(work);
    renameSync(work, target);
    fsyncPath(dirname(target));
    return { dir: target, manifest, elapsedMs: Date.now() - started };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}
