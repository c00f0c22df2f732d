import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { TenantDatabases } from './tenant-db.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-tenant-db-'));
const databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
afterAll(async () => {
  await databases.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps synchronous = FULL for every write transaction, not only the first connection', async () => {
  const data = await databases.provision('66666666-6666-4666-8666-666666666666');
  const levels: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    levels.push(await data.write(async (tx) => (await tx.get<{ synchronous: number }>(sql`PRAGMA synchronous`))?.synchronous));
  }
  expect(levels).toEqual([2, 2, 2]);
});
