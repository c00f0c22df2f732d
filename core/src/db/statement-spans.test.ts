import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosaicTracer, startTracing, type Tracing } from '../ops/tracing.js';
import { startOtlpReceiver, type ReceivedSpan } from '../ops/tracing-test-receiver.js';
import { openLibsqlClient } from './libsql-client.js';
import { MAX_QUERY_TEXT_CHARS } from './statement-spans.js';

describe('SQL statement spans', () => {
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracing: Tracing;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-sql-spans-'));
    receiver = await startOtlpReceiver();
    tracing = startTracing({ endpoint: `${receiver.url}/v1/traces`, serviceName: 'mosaic-test' })!;
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('inside a trace: a span per statement, batch and transaction statement, with placeholders only, cut to 1 000 chars; failures marked', async () => {
    const client = openLibsqlClient({ kind: 'embedded', dataDir: dir }, 'spans');
    // Outside any trace (background loops): no span.
    await client.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    const longSql = `SELECT ${Array.from({ length: 300 }, (_, i) => `id AS c${i}`).join(', ')} FROM notes`;
    const parent = await mosaicTracer().startActiveSpan('test', async (span) => {
      await client.execute({ sql: 'INSERT INTO notes (body) VALUES (?)', args: ['a secret body'] });
      await client.batch([{ sql: 'INSERT INTO notes (body) VALUES (?)', args: ['second secret'] }, 'SELECT count(*) FROM notes'], 'write');
      const tx = await client.transaction('write');
      await tx.execute({ sql: 'UPDATE notes SET body = ? WHERE id = ?', args: ['third secret', 1] });
      await tx.commit();
      await client.execute(longSql);
      await expect(client.execute('SELECT nope FROM missing_table')).rejects.toThrow();
      span.end();
      return span.spanContext();
    });
    client.close();
    await tracing.flush();

    const sql = receiver.spans.filter((s) => s.attributes['db.system.name'] === 'sqlite');
    expect(sql.every((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId)).toBe(true);
    const text = (s: ReceivedSpan) => String(s.attributes['db.query.text']);
    expect(sql.map((s) => [s.name, text(s).slice(0, 40)])).toEqual([
      ['INSERT', 'INSERT INTO notes (body) VALUES (?)'],
      ['BATCH', 'INSERT INTO notes (body) VALUES (?); SEL'],
      ['UPDATE', 'UPDATE notes SET body = ? WHERE id = ?'],
      ['SELECT', longSql.slice(0, 40)],
      ['SELECT', 'SELECT nope FROM missing_table'],
    ]);
    expect(sql[0]!.attributes).toMatchObject({ 'db.namespace': 'spans', 'db.operation.name': 'INSERT' });
    expect(sql[1]!.attributes['db.operation.batch.size']).toBe(2);
    expect(text(sql[3]!)).toHaveLength(MAX_QUERY_TEXT_CHARS);
    expect(sql.map(text).join(' ')).not.toContain('secret');
    expect(sql[4]!.status?.code).toBe(2);
    expect(sql[4]!.attributes['mosaic.error.code']).toBe('SQLITE_ERROR');
  });
});
