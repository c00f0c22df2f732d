import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../lib/ids.js';
import { seedTenant } from '../seed/index.js';
import { TenantDatabases, type TenantDb } from './tenant-db.js';
import * as tenantSchema from './tenant-schema.js';
import { tableRows } from './table-rows.js';

const tables = (Object.values(tenantSchema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable));

describe('tableRows', () => {
  let dataDir: string;
  let dbs: TenantDatabases;
  let data: TenantDb;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mosaic-table-rows-'));
    dbs = new TenantDatabases({ kind: 'embedded', dataDir });
    data = await dbs.get(newId());
    await seedTenant(data, { customers: 40, seed: 7 });
  }, 60_000);

  afterAll(async () => {
    await dbs.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads every table of a seeded tenant exactly as drizzle does: dates, booleans, JSON and nulls', async () => {
    let compared = 0;
    const kinds = new Set<string>();
    for (const table of tables) {
      const expected = await data.db.select().from(table);
      const rows = tableRows(table, await data.db.select().from(table).values());
      expect(rows).toStrictEqual(expected);
      if (expected.length > 0) compared++;
      for (const row of expected) for (const value of Object.values(row)) kinds.add(value === null ? 'null' : value instanceof Date ? 'date' : typeof value);
    }
    // The seed fills most tables, with every kind of value a column decodes to.
    expect(compared).toBeGreaterThan(10);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['boolean', 'date', 'null', 'number', 'object', 'string']));
  });

  it('reads the rows of a write transaction the same way', async () => {
    const [table] = tables.filter((t) => t === tenantSchema.customers);
    await data.write(async (tx) => {
      expect(tableRows(table!, await tx.select().from(table!).values())).toStrictEqual(await tx.select().from(table!));
    });
  });
});
