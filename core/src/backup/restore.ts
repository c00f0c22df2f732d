import { chmodSync, copyFileSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../db/config.js';
import { ensureServerNamespace, openLibsqlClient } from '../db/libsql-client.js';
import { ensurePrivateDir } from '../db/private-files.js';
import { fsyncPath } from './backup.js';
import { BackupError } from './errors.js';
import { markRestoring } from './serving-marks.js';
import { readBackup, sha256File, type VerifiedBackup } from './manifest.js';
import { copyDatabase, countRows, dropEverything } from './logical-copy.js';
import { databaseFile, isDatabaseName, SECRETS_KEY_FILE } from './names.js';
import { deleteNamespace, namespaceExists } from './server-namespaces.js';
import { openSnapshotFile, snapshotDatabase } from './snapshot.js';

export interface RestoreOptions {
  /** Replace what the target holds; without it a target with any database is refused. */
  force?: boolean;
}

export interface RestoreResult {
  databases: number;
  /** Embedded `--force`: where the replaced files were moved (kept until the operator removes them). */
  replacedFilesDir: string | null;
  /** The backup holds the embedded secrets key but the target is a libsql server (see the docs). */
  secretsKeyNotRestored: boolean;
  elapsedMs: number;
}

/**
 * Restores a backup folder into the configured databases, all or nothing. The manifest and
 * every checksum are verified before anything is touched; a target that already holds data is
 * refused unless `force`. The platform must not be serving the target meanwhile.
 */
export async function restoreBackup(config: DatabaseConfig, dir: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = Date.now();
  const backup = await readBackup(dir);
  const result = config.kind === 'embedded'
    ? await restoreFiles(config.dataDir, backup, options)
    : await restoreIntoServer(config, backup, options);
  return { ...result, databases: backup.files.length, elapsedMs: Date.now() - started };
}

// ---- embedded: files swapped in by rename ------------------------------------------------------

/** The files of a data folder a restore replaces: databases (with their WAL files) and the key. */
function occupiedFiles(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir).filter((f) => {
    const base = f.replace(/\.db(-wal|-shm|-journal)?$/, '');
    return f === SECRETS_KEY_FILE || (base !== f && isDatabaseName(base));
  });
}

/** Restores the backup's files into `dataDir`, unless a live process uses the folder. */
async function restoreFiles(dataDir: string, backup: VerifiedBackup, options: RestoreOptions) {
  // Marked before anything moves: a server serving the folder refuses the restore, and one
  // starting meanwhile refuses to open it (serving-marks.ts).
  const marked = markRestoring(dataDir);
  try {
    return await swapFiles(dataDir, backup, options);
  } finally {
    marked.release();
  }
}

/**
 * Copies the files into a staging folder inside the data folder (same file system, so each later
 * rename is atomic), checks their digests again, then moves the old files aside and the new ones
 * in. If a rename fails, the new files are removed and the old ones moved back.
 */
async function swapFiles(dataDir: string, backup: VerifiedBackup, options: RestoreOptions) {
  const occupied = occupiedFiles(dataDir);
  if (occupied.length > 0 && !options.force) {
    throw new BackupError('RESTORE_TARGET_NOT_EMPTY', `${dataDir} already holds ${occupied.join(', ')}; restore into an empty data folder, or pass --force to replace it`);
  }
  ensurePrivateDir(dataDir);
  const staging = mkdtempSync(join(dataDir, '.restore-'));
  try {
    const incoming: { from: string; name: string }[] = [];
    const stage = async (source: string, name: string, sha256: string) => {
      const to = join(staging, name);
      copyFileSync(source, to, constants.COPYFILE_EXCL);
      chmodSync(to, 0o600);
      // Checked again after the copy: the backup folder could have changed since it was verified.
      if ((await sha256File(to)) !== sha256) throw new BackupError('BACKUP_CORRUPT', `${name} changed while being restored`);
      fsyncPath(to);
      incoming.push({ from: to, name });
    };
    for (const { entry, path } of backup.files) await stage(path, databaseFile(entry.name), entry.sha256);
    if (backup.secretsKeyPath) await stage(backup.secretsKeyPath, SECRETS_KEY_FILE, backup.manifest.secretsKey!.sha256);

    let aside: string | null = null;
    const movedAside: string[] = [];
    const placed: string[] = [];
    try {
      if (occupied.length > 0) {
        aside = join(dataDir, `.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
        mkdirSync(aside, { mode: 0o700 });
        for (const f of occupied) { renameSync(join(dataDir, f), join(aside, f)); movedAside.push(f); }
      }
      for (const f of incoming) { renameSync(f.from, join(dataDir, f.name)); placed.push(f.name); }
      fsyncPath(dataDir);
    } catch (err) {
      for (const f of placed) rmSync(join(dataDir, f), { force: true });
      for (const f of movedAside) renameSync(join(aside!, f), join(dataDir, f));
      if (aside) rmSync(aside, { recursive: true, force: true });
      throw err;
    }
    return { replacedFilesDir: aside, secretsKeyNotRestored: false };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

// ---- libsql server: one write transaction per namespace -------------------------------------------

type ServerConfig = Extract<DatabaseConfig, { kind: 'server' }>;

async function isEmpty(config: ServerConfig, name: string): Promise<boolean> {
  const client = openLibsqlClient(config, name);
  try {
    const rs = await client.execute("select count(*) as n from sqlite_master where name not like 'sqlite\\_%' escape '\\'");
    return Number(rs.rows[0]!.n) === 0;
  } finally {
    client.close();
  }
}

/**
 * Loads `file` into namespace `name` in one write transaction: whatever it held is dropped and
 * the copy loaded, and the rows are counted against the manifest before the commit.
 */
async function loadNamespace(config: ServerConfig, name: string, file: string, expected?: Record<string, number>): Promise<void> {
  const source = openSnapshotFile(file);
  const client = openLibsqlClient(config, name);
  try {
    const tx = await client.transaction('write');
    try {
      await dropEverything(tx);
      await copyDatabase(source, tx);
      if (expected) {
        const counts = await countRows(tx);
        if (JSON.stringify(sorted(counts)) !== JSON.stringify(sorted(expected))) {
          throw new BackupError('BACKUP_CORRUPT', `${name}: the rows loaded differ from the manifest's counts`);
        }
      }
      await tx.commit();
    } finally {
      tx.close();
    }
  } finally {
    client.close();
    source.close();
  }
}

async function emptyNamespace(config: ServerConfig, name: string): Promise<void> {
  const client = openLibsqlClient(config, name);
  try {
    const tx = await client.transaction('write');
    try {
      await dropEverything(tx);
      await tx.commit();
    } finally {
      tx.close();
    }
  } finally {
    client.close();
  }
}

const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Tenants first and the control plane last: until the control plane is restored no tenant is
 * reachable through it. Each namespace is replaced in one transaction; before a namespace that
 * holds data is replaced (`--force`), a copy of it is taken, so that if a later one fails every
 * namespace already done is put back as it was (reloaded from its copy, emptied again, or
 * deleted if this restore created it).
 */
async function restoreIntoServer(config: ServerConfig, backup: VerifiedBackup, options: RestoreOptions) {
  const existing = new Map<string, boolean>();
  const occupied: string[] = [];
  for (const { entry } of backup.files) {
    const exists = await namespaceExists(config, entry.name);
    existing.set(entry.name, exists);
    if (exists && !(await isEmpty(config, entry.name))) occupied.push(entry.name);
  }
  if (occupied.length > 0 && !options.force) {
    throw new BackupError('RESTORE_TARGET_NOT_EMPTY',
      `the libsql server already holds data in ${occupied.length} of the backup's databases (${occupied.slice(0, 3).join(', ')}${occupied.length > 3 ? ', …' : ''}); restore into fresh namespaces, or pass --force to replace them`);
  }
  const before = mkdtempSync(join(tmpdir(), 'mosaic-before-restore-')); // 0700
  const done: { name: string; previous: string | null; created: boolean }[] = [];
  try {
    for (const { entry, path } of backup.files) {
      let previous: string | null = null;
      if (occupied.includes(entry.name)) {
        previous = join(before, databaseFile(entry.name));
        await snapshotDatabase(config, entry.name, previous);
      }
      const created = !existing.get(entry.name);
      await ensureServerNamespace(config, entry.name);
      done.push({ name: entry.name, previous, created });
      await loadNamespace(config, entry.name, path, entry.rows);
    }
  } catch (err) {
    const notPutBack: string[] = [];
    for (const d of done.reverse()) {
      try {
        if (d.created) await deleteNamespace(config, d.name);
        else if (d.previous) await loadNamespace(config, d.name, d.previous);
        else await emptyNamespace(config, d.name); // it existed, empty
      } catch (undo) {
        notPutBack.push(`${d.name} (${(undo as Error).message})`);
      }
    }
    if (notPutBack.length === 0) throw err;
    // The operator must hear that the rollback itself failed, and where.
    const message = `${(err as Error).message}; putting back what was there failed for ${notPutBack.join(', ')}`;
    throw err instanceof BackupError ? new BackupError(err.code, message) : new Error(message, { cause: err });
  } finally {
    rmSync(before, { recursive: true, force: true });
  }
  return { replacedFilesDir: null, secretsKeyNotRestored: backup.secretsKeyPath !== null };
}
