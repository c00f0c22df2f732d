import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { parseMetrics, value } from '../ops/metrics-test-parser.js';
import { registerStatementDurations } from '../ops/statement-durations.js';
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

  it('times every statement, traced or not: reads, writes and whole transactions, by database role, with no SQL or tenant in the labels', async () => {
    const registry = new Registry();
    registerStatementDurations(registry);
    const scrape = async () => parseMetrics(await registry.metrics());
    const count = (samples: Awaited<ReturnType<typeof scrape>>, kind: string, role: string) =>
      value(samples, 'mosaic_db_statement_duration_seconds_count', { kind, role });
    const before = await scrape();
    const control = openLibsqlClient({ kind: 'embedded', dataDir: dir }, 'control');
    const tenant = openLibsqlClient({ kind: 'embedded', dataDir: dir }, 't_0123456789abcdef');
    try {
      await control.execute('CREATE TABLE marks (id INTEGER PRIMARY KEY)');
      await control.execute({ sql: 'INSERT INTO marks (id) VALUES (?)', args: [1] });
      await control.execute('  select count(*) from marks');
      await tenant.execute('PRAGMA journal_mode');
      await tenant.execute('with n as (select 1 as x) select x from n');
      await tenant.batch(['CREATE TABLE t (x)', 'INSERT INTO t VALUES (1)'], 'write');
      const tx = await tenant.transaction('write');
      await tx.execute('INSERT INTO t VALUES (2)');
      await tx.execute('SELECT x FROM t');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tx.commit();
      tx.close();
      await expect(tenant.execute('SELECT nope FROM missing')).rejects.toThrow();
    } finally {
      control.close();
      tenant.close();
    }
    const after = await scrape();
    const added = (kind: string, role: string) => count(after, kind, role) - count(before, kind, role);
    expect([added('write', 'control'), added('read', 'control'), added('transaction', 'control')]).toEqual([2, 1, 0]);
    // The failed select counts too: a slow failure is still time spent.
    expect([added('write', 'tenant'), added('read', 'tenant'), added('transaction', 'tenant')]).toEqual([1, 4, 2]);
    // The transaction held its connection for the 20 ms pause: at least that long, counted once.
    const sum = (samples: typeof after) => value(samples, 'mosaic_db_statement_duration_seconds_sum', { kind: 'transaction', role: 'tenant' });
    expect(sum(after) - sum(before)).toBeGreaterThanOrEqual(0.02);
    const buckets = after.filter((s) => s.name === 'mosaic_db_statement_duration_seconds_bucket' && s.labels.kind === 'read' && s.labels.role === 'tenant');
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: count(after, 'read', 'tenant') });
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const labelSets = new Set(after.filter((s) => s.name.startsWith('mosaic_db_statement')).map((s) => Object.keys(s.labels).sort().join()));
    expect([...labelSets].sort()).toEqual(['kind,le,role', 'kind,role']);
  });
});
