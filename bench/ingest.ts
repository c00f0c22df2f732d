/**
 * `ingest`: how fast interactions are imported through channel intake — the batch use-case
 * (ingestInteractions, 1 000 rows per transaction, in process) and the streaming NDJSON endpoint
 * over loopback HTTP — against raw multi-row INSERTs of the same rows into the same libsql file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenant, tenantContext, toGlobalId } from '@mosaic/core';
import { createChannel, ingestInteractions, MAX_INGEST_ROWS } from '../core/src/domain/intake/index.js';
import { newId } from '../core/src/lib/ids.js';
import { serveBenchPlatform } from './fixture-process.js';
import { envNumber, fmtInt, fmtRatio, log, markdownTable, type BenchResult } from './lib.js';

const ROWS = envNumber('BENCH_INGEST_ROWS', 100_000);
const CUSTOMERS = envNumber('BENCH_INGEST_CUSTOMERS', 5_000);
const BATCH = MAX_INGEST_ROWS;
/** Rows per raw INSERT statement: 13 columns × 500 stays far below SQLite's parameter limit. */
const RAW_ROWS_PER_STATEMENT = 500;

const body = (i: number) => `Imported message ${i}: my parcel has not arrived yet, could you check the tracking for me please?`;
const row = (prefix: string, i: number) => ({
  externalId: `${prefix}-${i}`,
  contact: { email: `c${i % CUSTOMERS}@bench.example`, name: `Customer ${i % CUSTOMERS}` },
  subject: 'Parcel',
  body: body(i),
  occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
});

export async function ingest(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-ingest-'));
  const { platform, server } = await serveBenchPlatform(dir);
  const failures: string[] = [];
  try {
    const created = await createTenant(platform.control.db, platform.tenants, { slug: 'ingest' });
    const data = await platform.tenants.get(created.tenant.id);
    const ctx = tenantContext({ tenantId: created.tenant.id, tenantSlug: 'ingest', role: 'admin', keyId: 'bench', agentId: null }, data);
    const { channel } = await createChannel(ctx, platform.plugins.installer.vault, { kind: 'EMAIL', name: 'Import' });
    const count = async () => Number((await data.client.execute('select count(*) as n from interactions')).rows[0]!.n);

    // Every customer exists before timing: the measured rows resolve identities, as a backfill mostly does.
    log(`ingest: creating ${fmtInt(CUSTOMERS)} customers through the use-case`);
    for (let i = 0; i < CUSTOMERS; i += BATCH) {
      await ingestInteractions(ctx, channel.id, Array.from({ length: Math.min(BATCH, CUSTOMERS - i) }, (_, k) => row('warm', i + k)));
    }
    const customerIds = (await data.client.execute('select id from customers order by created_at')).rows.map((r) => String(r.id));

    // The machine is shared: each path's row says how busy it was (1-minute load average before / after).
    const load = () => loadavg()[0]!.toFixed(2);
    const loads: Record<string, string> = {};
    const raw = async (label: string) => {
      log(`ingest: raw multi-row INSERTs (${label})`);
      const loadBefore = load();
      const before = await count();
      const t0 = performance.now();
      const columns = '(id, customer_id, case_id, channel, direction, subject, body, agent_id, occurred_at, created_at, source_installation_id, idempotency_key)';
      for (let i = 0; i < ROWS; i += BATCH) {
        const stmts = [];
        for (let s = i; s < Math.min(i + BATCH, ROWS); s += RAW_ROWS_PER_STATEMENT) {
          const n = Math.min(RAW_ROWS_PER_STATEMENT, ROWS - s, i + BATCH - s);
          const args: (string | number | null)[] = [];
          const now = Date.now();
          for (let k = 0; k < n; k++) {
            const r = s + k;
            args.push(newId(), customerIds[r % customerIds.length]!, null, 'EMAIL', 'INBOUND', 'Parcel', body(r), null, Date.UTC(2026, 0, 1) + r * 1000, now, null, null);
          }
          stmts.push({ sql: `insert into interactions ${columns} values ${Array.from({ length: n }, () => '(?,?,?,?,?,?,?,?,?,?,?,?)').join(',')}`, args });
        }
        await data.client.batch(stmts, 'write');
      }
      const seconds = (performance.now() - t0) / 1000;
      loads[label] = `${loadBefore} / ${load()}`;
      if ((await count()) - before !== ROWS) failures.push(`raw (${label}): ${(await count()) - before} rows written, expected ${ROWS}`);
      return seconds;
    };

    const rawFirst = await raw('first');

    log(`ingest: ${fmtInt(ROWS)} rows through ingestInteractions, ${BATCH} per batch`);
    let before = await count();
    let loadBefore = load();
    let t0 = performance.now();
    for (let i = 0; i < ROWS; i += BATCH) {
      const report = await ingestInteractions(ctx, channel.id, Array.from({ length: Math.min(BATCH, ROWS - i) }, (_, k) => row('batch', i + k)));
      if (report.errors.length) failures.push(`batch at ${i}: ${report.errors.length} rows refused (${report.errors[0]!.code}: ${report.errors[0]!.message})`);
    }
    const batched = (performance.now() - t0) / 1000;
    loads.batched = `${loadBefore} / ${load()}`;
    if ((await count()) - before !== ROWS) failures.push(`batched: ${(await count()) - before} rows written, expected ${ROWS}`);

    log(`ingest: ${fmtInt(ROWS)} rows streamed to the NDJSON endpoint`);
    const ndjson = Array.from({ length: ROWS }, (_, i) => JSON.stringify(row('ndjson', i))).join('\n');
    before = await count();
    loadBefore = load();
    t0 = performance.now();
    const res = await fetch(`${server.url}/ingest/channels/${toGlobalId('IntakeChannel', channel.id)}`, {
      method: 'POST', headers: { authorization: `Bearer ${created.apiKey}`, 'content-type': 'application/x-ndjson' }, body: ndjson,
    });
    const lines = (await res.text()).trim().split('\n');
    const streamed = (performance.now() - t0) / 1000;
    loads.ndjson = `${loadBefore} / ${load()}`;
    const done = JSON.parse(lines.at(-1)!) as { done: boolean; written: number };
    if (res.status !== 200 || !done.done || done.written !== ROWS) failures.push(`ndjson: status ${res.status}, last line ${lines.at(-1)}`);
    if ((await count()) - before !== ROWS) failures.push(`ndjson: ${(await count()) - before} rows written, expected ${ROWS}`);

    const rawSecond = await raw('second');
    const rawSeconds = (rawFirst + rawSecond) / 2;
    const rate = (s: number) => ROWS / s;
    const report = [
      `### ingest — ${fmtInt(ROWS)} interactions per path, ${fmtInt(CUSTOMERS)} customers, ${BATCH} rows per transaction`,
      '',
      markdownTable(['path', 'seconds', 'interactions/s', 'vs raw', 'load before / after'], [
        ['raw multi-row INSERT, run before', rawFirst.toFixed(2), fmtInt(rate(rawFirst)), fmtRatio(rawSeconds / rawFirst), loads.first!],
        ['ingestInteractions (in process: validation, identity lookup, dedupe, event)', batched.toFixed(2), fmtInt(rate(batched)), fmtRatio(rawSeconds / batched), loads.batched!],
        ['POST /ingest/channels/:id NDJSON (loopback, client in the same process)', streamed.toFixed(2), fmtInt(rate(streamed)), fmtRatio(rawSeconds / streamed), loads.ndjson!],
        ['raw multi-row INSERT, run after', rawSecond.toFixed(2), fmtInt(rate(rawSecond)), fmtRatio(rawSeconds / rawSecond), loads.second!],
      ]),
      '',
      `"vs raw" is against the mean of the two raw runs (${rawSeconds.toFixed(2)} s, ${fmtInt(rate(rawSeconds))}/s). Goal: ≥ 20 000 interactions/s batched and ≥ 0.5× raw.`,
    ].join('\n');
    if (failures.length) return { report: `${report}\n\nProblems:\n${failures.map((f) => `- ${f}`).join('\n')}`, failures };
    return { report, failures };
  } finally {
    await server.close();
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
