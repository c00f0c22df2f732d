import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { Mutex } from 'async-mutex';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { packageRoot } from '../lib/package-root.js';
import type { DatabaseConfig } from './config.js';
import { ensureServerNamespace, openLibsqlClient, tuneEmbedded } from './libsql-client.js';
import { whenCommitSent } from './pipelined-transactions.js';
import * as tenantSchema from './tenant-schema.js';

export type TenantDrizzle = LibSQLDatabase<typeof tenantSchema>;
export type TenantTx = Parameters<Parameters<TenantDrizzle['transaction']>[0]>[0];

/** One tenant's open database. */
export interface TenantDb {
  readonly name: string;
  readonly db: TenantDrizzle;
  readonly client: Client;
  /** Runs `fn` in a write transaction; everything it wrote is rolled back if it throws. */
  write<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T>;
}

export function tenantDatabaseName(tenantId: string): string {
  return `t_${tenantId.replace(/-/g, '')}`;
}

/**
 * Opens tenant databases on demand, runs their migrations once per process, and keeps them open.
 * Embedded SQLite has one writer at a time and its busy-wait blocks the event loop, so write
 * transactions of one tenant are queued here rather than left to contend for the file lock.
 */
export class TenantDatabases {
  readonly #open = new Map<string, Promise<TenantDb>>();
  /** Called after each committed write transaction, with it (the event dispatcher drains the outbox then). */
  onCommit: (tenantId: string, tx: TenantTx) => void = () => {};

  constructor(private readonly config: DatabaseConfig) {}

  /** Creates (or upgrades) the tenant's database; safe to call again. */
  async provision(tenantId: string): Promise<TenantDb> {
    return this.get(tenantId);
  }

  get(tenantId: string): Promise<TenantDb> {
    let pending = this.#open.get(tenantId);
    if (!pending) {
      pending = this.#openAndMigrate(tenantId);
      pending.catch(() => this.#open.delete(tenantId));
      this.#open.set(tenantId, pending);
    }
    return pending;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled(this.#open.values());
    for (const r of all) if (r.status === 'fulfilled') r.value.client.close();
    this.#open.clear();
  }

  async #openAndMigrate(tenantId: string): Promise<TenantDb> {
    const name = tenantDatabaseName(tenantId);
    await ensureServerNamespace(this.config, name);
    const client = openLibsqlClient(this.config, name);
    await tuneEmbedded(this.config, client);
    const db = drizzle(client, { schema: tenantSchema });
    await migrate(db, { migrationsFolder: join(packageRoot(), 'drizzle', 'tenant') });
    const lock = new Mutex();
    return {
      name,
      db,
      client,
      write: async (fn) => {
        // Embedded, the transaction runs on the file's one write connection, synced FULL (write-connection.ts).
        const release = await lock.acquire();
        let held = true;
        const releaseOnce = () => {
          if (held) release();
          held = false;
        };
        let committed: TenantTx | undefined;
        try {
          // On a libsql server the next write may begin once this one's COMMIT is on its way:
          // the server holds its BEGIN IMMEDIATE until this one has ended.
          const result = await whenCommitSent(client, releaseOnce, () => db.transaction((tx) => {
            committed = tx;
            return fn(tx);
          }));
          this.onCommit(tenantId, committed!);
          return result;
        } finally {
          releaseOnce();
        }
      },
    };
  }
}
