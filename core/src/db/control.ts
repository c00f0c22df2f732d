import { join } from 'node:path';
import type { Client, TransactionMode } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { packageRoot } from '../lib/package-root.js';
import type { DatabaseConfig } from './config.js';
import * as controlSchema from './control-schema.js';
import { ensureServerNamespace, openLibsqlClient, SYNCHRONOUS_PRAGMA, tuneEmbedded } from './libsql-client.js';

export type ControlDb = LibSQLDatabase<typeof controlSchema>;

const CONTROL_DB_NAME = 'control';

export interface ControlPlane {
  db: ControlDb;
  client: Client;
}

/** Opens the control-plane database and brings its schema up to date. */
export async function openControlPlane(config: DatabaseConfig): Promise<ControlPlane> {
  await ensureServerNamespace(config, CONTROL_DB_NAME);
  const client = openLibsqlClient(config, CONTROL_DB_NAME);
  await tuneEmbedded(config, client);
  if (config.kind === 'embedded') restateSyncAfterTransactions(client);
  const db = drizzle(client, { schema: controlSchema });
  await migrate(db, { migrationsFolder: join(packageRoot(), 'drizzle', 'control') });
  return { db, client };
}

/**
 * The control plane writes with single statements and batches, which run on the client's one
 * connection, tuned when opened. A transaction takes that connection with it and libsql opens a
 * fresh one on next use (see TenantDatabases.write for the tenants' side of this): state the sync
 * setting on the fresh one at once, so no later control write runs on a connection that lacks it.
 */
function restateSyncAfterTransactions(client: Client): void {
  const transaction = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    const tx = await transaction(mode);
    await client.execute(SYNCHRONOUS_PRAGMA);
    return tx;
  }) as Client['transaction'];
}
