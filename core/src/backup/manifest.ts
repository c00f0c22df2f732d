import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BackupError } from './errors.js';
import { databaseFile, isDatabaseName, kindOf, SECRETS_KEY_FILE } from './names.js';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'mosaic-backup';
/** Raised when the layout changes in a way an older restore could not read. */
export const BACKUP_FORMAT_VERSION = 1;
/** A manifest lists row counts per table per database: generous, but not unbounded. */
const MANIFEST_MAX_BYTES = 32 * 1024 * 1024;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const tableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'a table name');

const databaseEntry = z.object({
  name: z.string().max(40).refine(isDatabaseName, 'control or t_ and 32 hex digits'),
  kind: z.enum(['control', 'tenant']),
  sha256,
  bytes: z.number().int().nonnegative(),
  rows: z.record(tableName, z.number().int().nonnegative()),
}).strict().refine((d) => kindOf(d.name) === d.kind, { message: 'kind does not match the name', path: ['kind'] });

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
  createdAt: z.iso.datetime(),
  mosaicVersion: z.string().max(40),
  /** Where it was taken: files (embedded) or a libsql server; either restores into either. */
  source: z.enum(['embedded', 'server']),
  databases: z.array(databaseEntry).min(1).max(100_000),
  /** The embedded mode's key for plugin secrets, when the data folder had one. */
  secretsKey: z.object({ sha256 }).strict().nullable(),
}).strict()
  .refine((m) => m.databases.filter((d) => d.kind === 'control').length === 1, 'exactly one control database')
  .refine((m) => new Set(m.databases.map((d) => d.name)).size === m.databases.length, 'a database is listed twice');

export type BackupManifest = z.infer<typeof manifestSchema>;
export type DatabaseEntry = BackupManifest['databases'][number];

/** A backup folder whose manifest and files were checked. */
export interface VerifiedBackup {
  dir: string;
  manifest: BackupManifest;
  /** The file of each database, in restore order: tenants first, the control plane last. */
  files: { entry: DatabaseEntry; path: string }[];
  secretsKeyPath: string | null;
}

/** The SHA-256 of a file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Validates a manifest object (the shape written by a backup). */
export function parseManifest(raw: unknown): BackupManifest {
  // The version is checked first, so a newer layout is named as such rather than as malformed.
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === BACKUP_FORMAT && version !== BACKUP_FORMAT_VERSION) {
    throw new BackupError('BACKUP_FORMAT_UNSUPPORTED',
      `backup format version ${JSON.stringify(version)} is not supported; this mosaic reads version ${BACKUP_FORMAT_VERSION}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BackupError('BACKUP_INVALID', `${MANIFEST_FILE}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A file of the backup: present, a regular file (no link to elsewhere), with the recorded digest. */
async function checkedFile(dir: string, file: string, expected: string): Promise<string> {
  const path = join(dir, file);
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    throw new BackupError('BACKUP_CORRUPT', `${file} is missing from the backup`);
  }
  if (!stat.isFile()) throw new BackupError('BACKUP_CORRUPT', `${file} in the backup is not a regular file`);
  if ((await sha256File(path)) !== expected) throw new BackupError('BACKUP_CORRUPT', `${file} does not match its checksum in ${MANIFEST_FILE}`);
  return path;
}

/**
 * Reads a backup folder and checks everything before anything is restored: the manifest's
 * format, version and shape (database names are only `control` and tenant database names, so no
 * path or SQL is ever built from other text), and every file's SHA-256.
 */
export async function readBackup(dir: string): Promise<VerifiedBackup> {
  let isDir = false;
  try { isDir = statSync(dir).isDirectory(); } catch { /* reported below */ }
  if (!isDir) throw new BackupError('BACKUP_NOT_FOUND', `no backup folder at ${dir}`);
  const manifestPath = join(dir, MANIFEST_FILE);
  let size: number;
  try { size = lstatSync(manifestPath).size; } catch {
    throw new BackupError('BACKUP_NOT_FOUND', `${dir} has no ${MANIFEST_FILE}: not a backup, or one that did not finish`);
  }
  if (size > MANIFEST_MAX_BYTES) throw new BackupError('BACKUP_INVALID', `${MANIFEST_FILE} is over ${MANIFEST_MAX_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    throw new BackupError('BACKUP_INVALID', `${MANIFEST_FILE} is not JSON`);
  }
  const manifest = parseManifest(raw);
  const ordered = [...manifest.databases].sort((a, b) => Number(a.kind === 'control') - Number(b.kind === 'control'));
  const files = [];
  for (const entry of ordered) files.push({ entry, path: await checkedFile(dir, databaseFile(entry.name), entry.sha256) });
  const secretsKeyPath = manifest.secretsKey ? await checkedFile(dir, SECRETS_KEY_FILE, manifest.secretsKey.sha256) : null;
  return { dir, manifest, files, secretsKeyPath };
}
