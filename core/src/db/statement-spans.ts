import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from '@libsql/client';
import {
  ATTR_DB_NAMESPACE, ATTR_DB_OPERATION_BATCH_SIZE, ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';
import { mosaicTracer, recordFailure, tracingEnabled } from '../ops/tracing.js';

/** SQL kept on a span: statements with placeholders only (values are never recorded), cut to this. */
export const MAX_QUERY_TEXT_CHARS = 1000;

type Statement = InStatement | [string, InArgs?] | string;

const textOf = (stmt: Statement): string => (typeof stmt === 'string' ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql);

/** The statement's leading keyword (SELECT, INSERT, PRAGMA…), which names the span; `sqlite` otherwise. */
function operationOf(sql: string): string | undefined {
  const keyword = /^\s*([A-Za-z]{2,12})\b/.exec(sql)?.[1];
  return keyword?.toUpperCase();
}

/**
 * Statements are traced inside a trace only (a request, a plugin call): the background loops'
 * polling (outbox, SLA sweeps) would otherwise send a one-span trace every few seconds.
 */
const traced = (): boolean => tracingEnabled() && trace.getSpan(context.active()) !== undefined;

/** Runs `run` inside a client span describing `sql` on `database`. */
function spanned<T>(database: string, sql: string, run: () => Promise<T>, batchSize?: number): Promise<T> {
  const operation = batchSize === undefined ? operationOf(sql) : 'BATCH';
  return mosaicTracer().startActiveSpan(operation ?? 'sqlite', {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_DB_SYSTEM_NAME]: 'sqlite',
      [ATTR_DB_NAMESPACE]: database,
      [ATTR_DB_QUERY_TEXT]: sql.slice(0, MAX_QUERY_TEXT_CHARS),
      ...(operation ? { [ATTR_DB_OPERATION_NAME]: operation } : {}),
      ...(batchSize === undefined ? {} : { [ATTR_DB_OPERATION_BATCH_SIZE]: batchSize }),
    },
  }, async (span) => {
    try {
      return await run();
    } catch (err) {
      recordFailure(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The statements of a batch as one text, built only up to the cap. */
function batchText(stmts: readonly Statement[]): string {
  let text = '';
  for (const stmt of stmts) {
    text += text ? `; ${textOf(stmt)}` : textOf(stmt);
    if (text.length >= MAX_QUERY_TEXT_CHARS) break;
  }
  return text;
}

/** Wraps `execute` and `batch` of a client or transaction in place. */
function traceCalls<T extends Pick<Client, 'execute' | 'batch'> | Pick<Transaction, 'execute' | 'batch'>>(target: T, database: string): T {
  const execute = target.execute.bind(target) as (stmt: InStatement | string, args?: InArgs) => Promise<ResultSet>;
  const batch = target.batch.bind(target) as (stmts: Statement[], mode?: unknown) => Promise<ResultSet[]>;
  target.execute = ((stmt: InStatement | string, args?: InArgs) => (traced()
    ? spanned(database, textOf(stmt), () => execute(stmt, args))
    : execute(stmt, args))) as T['execute'];
  target.batch = ((stmts: Statement[], mode?: unknown) => (traced()
    ? spanned(database, batchText(stmts), () => batch(stmts, mode), stmts.length)
    : batch(stmts, mode))) as T['batch'];
  return target;
}

/**
 * A span per SQL statement (and per batch) run through `client` and its transactions within a
 * trace while tracing is on, with the statement's text (placeholders, never values) as `db.query.text`.
 * With tracing off each call costs one check.
 */
export function traceStatements(client: Client, database: string): Client {
  traceCalls(client, database);
  const open = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    const tx = await open(mode);
    return traced() ? traceCalls(tx, database) : tx;
  }) as Client['transaction'];
  return client;
}
