import type { Hono } from 'hono';
import { ingestInteractions, MAX_INGEST_ROWS } from '../domain/intake/index.js';
import { databaseFailure } from '../db/failures.js';
import { AppError } from '../lib/errors.js';
import { parseGlobalId } from '../lib/ids.js';
import type { Platform } from '../platform.js';
import type { TenantContext } from '../tenancy/context.js';
import { authenticate, type AppEnv } from './authenticate.js';
import { intakeError } from './channel-intake.js';

/** One NDJSON line may hold one row of up to this many bytes. */
export const MAX_NDJSON_LINE_BYTES = 256 * 1024;

const encoder = new TextEncoder();
const line = (value: unknown) => encoder.encode(`${JSON.stringify(value)}\n`);

/** Splits a byte stream into lines (without the `\n`), refusing one longer than `maxBytes`. */
async function* lines(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    let at: number;
    while ((at = pending.indexOf('\n', start)) >= 0) {
      yield pending.slice(start, at);
      start = at + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxBytes) throw new AppError('BAD_REQUEST', `an NDJSON line is longer than ${maxBytes} bytes`);
  }
  pending += decoder.decode();
  if (pending.trim() !== '') yield pending;
}

/**
 * Streams an import: every non-empty input line is one row, committed in batches of `batch`
 * (default and maximum 1 000), each batch in its own transaction. The answer is NDJSON too,
 * written as batches commit: `{"row":n,"code":...,"message":...}` per refused row (n counts
 * input rows from 0, blank lines excluded), `{"batch":k,"written":...,"duplicates":...}` per
 * batch, and a closing `{"done":true,...}` with the totals (or `{"done":false,"code":...}` when
 * the stream itself broke: batches before it stay committed).
 */
async function* ingestStream(ctx: TenantContext, channelId: string, body: ReadableStream<Uint8Array>, batchSize: number): AsyncGenerator<Uint8Array> {
  let rows = 0;
  let written = 0;
  let duplicates = 0;
  let refused = 0;
  let batches = 0;
  let pending: { row: number; value: unknown }[] = [];
  async function* flush(): AsyncGenerator<Uint8Array> {
    const parsed = pending.filter((p) => p.value !== undefined);
    const bad = pending.filter((p) => p.value === undefined);
    const report = await ingestInteractions(ctx, channelId, parsed.map((p) => p.value), { firstRow: 0 });
    // Rows were renumbered densely for the batch: map each back to its input row.
    const errors = [
      ...bad.map((p) => ({ row: p.row, code: 'BAD_USER_INPUT', message: 'the line is not JSON' })),
      ...report.errors.map((e) => ({ ...e, row: parsed[e.row]!.row })),
    ].sort((a, b) => a.row - b.row);
    for (const e of errors) yield line(e);
    written += report.written;
    duplicates += report.duplicates;
    refused += errors.length;
    yield line({ batch: batches++, written: report.written, duplicates: report.duplicates });
    pending = [];
  }
  try {
    for await (const text of lines(body, MAX_NDJSON_LINE_BYTES)) {
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      pending.push({ row: rows++, value });
      if (pending.length >= batchSize) yield* flush();
    }
    if (pending.length > 0) yield* flush();
    yield line({ done: true, rows, written, duplicates, errors: refused });
  } catch (err) {
    const known = err instanceof AppError ? err : databaseFailure(err);
    const code = known ? known.code : 'INTERNAL_SERVER_ERROR';
    const message = known ? known.message : 'the import stopped';
    yield line({ done: false, rows, written, duplicates, errors: refused, code, message });
  }
}

/**
 * `POST /ingest/channels/<channel id>` with an API key (as for /graphql) and an NDJSON body of
 * ingestInteractions rows. Registered before the API's body limit: an import's size is bounded
 * per line, not per request, and its rows are read as they arrive.
 */
export function mountBulkIngest(app: Hono<AppEnv>, platform: Platform): void {
  app.post('/ingest/channels/:channelId', authenticate(platform), async (c) => {
    try {
      const ctx = c.get('tenant')!;
      const parsed = parseGlobalId(c.req.param('channelId'));
      if (parsed?.type !== 'IntakeChannel') throw new AppError('NOT_FOUND', 'Channel not found');
      const batch = Number(c.req.query('batch') ?? MAX_INGEST_ROWS);
      if (!Number.isInteger(batch) || batch < 1 || batch > MAX_INGEST_ROWS) {
        throw new AppError('BAD_USER_INPUT', `batch must be a whole number from 1 to ${MAX_INGEST_ROWS}`);
      }
      // Fail before streaming when the channel is wrong, so the status says so.
      await ingestInteractions(ctx, parsed.id, []);
      const body = c.req.raw.body;
      if (!body) throw new AppError('BAD_REQUEST', 'send NDJSON rows in the body');
      const out = ingestStream(ctx, parsed.id, body, batch);
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await out.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        async cancel() {
          await out.return(undefined);
        },
      });
      return c.body(stream, 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    } catch (err) {
      return intakeError(c, err);
    }
  });
}
