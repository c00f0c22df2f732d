import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { packageRoot } from '../lib/package-root.js';
import type { DatabaseConfig } from './config.js';
import * as controlSchema from './control-schema.js';
import { ensureServerNamespace, openLibsqlClient, tuneEmbedded } from './libsql-client.js';

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
  const db = drizzle(client, { schema: controlSchema });
  await migrate(db, { migrationsFolder: join(packageRoot(), 'drizzle', 'control') });
  return { db, client };
}
