import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import type { DatabaseConfig } from '../db/config.js';
import { openLibsqlClient } from '../db/libsql-client.js';
import { ensurePrivateDatabaseFile } from '../db/private-files.js';
import { BackupError } from './errors.js';
import { copyDatabase, countRows, readSchema, rebuildSearchIndexes } from './logical-copy.js';
import { databaseFile } from './names.js';

/** A plain client on a database file of a backup (no WAL: the file stays one self-contained file). */
export const openSnapshotFile = (file: string): Client => createClient({ url: `file:${file}` });

/**
 * Writes a consistent copy of database `name` as it is now into `file` (a new SQLite file), while
 * the platform keeps serving; returns its rows per table.
 * - Embedded: `VACUUM INTO` copies the live WAL database page by page inside one read
 *   transaction; readers and the writer carry on, and the copy is compact.
 * - libsql server: `VACUUM INTO` would write on the server's disk, so the copy is logical: one
 *   read transaction on the namespace (a consistent snapshot) streamed into a local file.
 * Both give the same artefact, an SQLite file, so a backup of either mode restores into either.
 */
export async function snapshotDatabase(config: DatabaseConfig, name: string, file: string): Promise<Record<string, number>> {
  ensurePrivateDatabaseFile(file); // owner-only from the start; VACUUM INTO accepts an empty file
  if (config.kind === 'embedded') {
    const source = join(config.dataDir, databaseFile(name));
    if (!existsSync(source)) throw new BackupError('BACKUP_SOURCE_MISSING', `no database file ${source}`);
    const client = openLibsqlClient(config, name);
    try {
      await client.execute({ sql: 'VACUUM INTO ?', args: [file] });
    } finally {
      client.close();
    }
    const copy = openSnapshotFile(file);
    try {
      const schema = await readSchema(copy);
      // VACUUM may renumber the rowids an external-content FTS index points at; rebuild to be sure.
      await rebuildSearchIndexes(copy, schema);
      return await countRows(copy, schema);
    } finally {
      copy.close();
    }
  }
  const client = openLibsqlClient(config, name);
  const target = openSnapshotFile(file);
  try {
    const read = await client.transaction('read');
    try {
      const write = await target.transaction('write');
      try {
        const counts = await copyDatabase(read, write, { sourceDone: () => read.close() });
        await write.commit();
        return counts;
      } finally {
        write.close();
      }
    } finally {
      read.close();
    }
  } finally {
    target.close();
    client.close();
  }
}
