import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { auditLog } from './control-schema.js';
import { openControlPlane } from './control.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-control-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps synchronous = FULL on the connection of every control write, also after transactions', async () => {
  const { db, client } = await openControlPlane({ kind: 'embedded', dataDir: dir });
  const level = async () => (await client.execute('PRAGMA synchronous')).rows[0]!.synchronous;
  const levels: unknown[] = [await level()];
  for (let i = 0; i < 3; i++) {
    // A transaction leaves with the client's connection; the next write runs on a new one.
    levels.push(await db.transaction(async (tx) => (await tx.get<{ synchronous: number }>(sql`PRAGMA synchronous`))?.synchronous));
    await db.insert(auditLog).values({ id: `a${i}`, actor: 'test', action: 'test.write', at: new Date() });
    levels.push(await level());
  }
  await db.batch([db.insert(auditLog).values({ id: 'b', actor: 'test', action: 'test.batch', at: new Date() })]);
  levels.push(await level());
  client.close();
  expect(levels).toEqual(Array(8).fill(2));
});
