import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from '@libsql/client';
import {
  ATTR_DB_NAMESPACE, ATTR_DB_OPERATION_BATCH_SIZE, ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';
import { statementDurations, type DurationCell, type StatementKind } from '../ops/statement-durations.js';
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

/** Statements that only read: SELECT, WITH (drizzle's CTEs read), EXPLAIN, and a PRAGMA that sets nothing. */
const READ = /^\s*(?:select|with|explain|pragma\b[^=]*$)/i;

/** Ends `started`'s timing in `cell` when `run` settles, either way. */
function timed<T>(cell: DurationCell, started: number, run: Promise<T>): Promise<T> {
  return run.finally(() => cell.since(started));
}

type Cells = Readonly<Record<StatementKind, DurationCell>>;

/** Wraps `execute` and `batch` of a client or transaction in place: timed always, traced within a trace. */
function traceCalls<T extends Pick<Client, 'execute' | 'batch'> | Pick<Transaction, 'execute' | 'batch'>>(target: T, database: string, cells: Cells): T {
  const execute = target.execute.bind(target) as (stmt: InStatement | string, args?: InArgs) => Promise<ResultSet>;
  const batch = target.batch.bind(target) as (stmts: Statement[], mode?: unknown) => Promise<ResultSet[]>;
  target.execute = ((stmt: InStatement | string, args?: InArgs) => {
    const sql = textOf(stmt);
    const started = performance.now();
    return timed(READ.test(sql) ? cells.read : cells.write, started, traced()
      ? spanned(database, sql, () => execute(stmt, args))
      : execute(stmt, args));
  }) as T['execute'];
  // libsql runs a batch as one transaction.
  target.batch = ((stmts: Statement[], mode?: unknown) => timed(cells.transaction, performance.now(), traced()
    ? spanned(database, batchText(stmts), () => batch(stmts, mode), stmts.length)
    : batch(stmts, mode))) as T['batch'];
  return target;
}

/** Times `tx` from `started` to the first of its commit, rollback or close. */
function timeTransaction(tx: Transaction, cell: DurationCell, started: number): void {
  let open = true;
  const end = () => {
    if (open) cell.since(started);
    open = false;
  };
  const { commit, rollback, close } = tx;
  tx.commit = () => commit.call(tx).finally(end);
  tx.rollback = () => rollback.call(tx).finally(end);
  tx.close = () => {
    end();
    close.call(tx);
  };
}

/**
 * A span per SQL statement (and per batch) run through `client` and its transactions within a
 * trace while tracing is on, with the statement's text (placeholders, never values) as `db.query.text`;
 * and, always, each one's duration in the process's `mosaic_db_statement_duration_seconds`
 * (see ops/statement-durations.ts), by kind and by the role of `database`. Costs with tracing off:
 * one check, one regex test, two clock readings and one promise continuation per statement (a few
 * hundred ns against the tens of µs of an embedded statement).
 */
export function traceStatements(client: Client, database: string): Client {
  // The control plane's database is named so in db/control.ts; every other is a tenant's.
  const cells = statementDurations(database === 'control' ? 'control' : 'tenant');
  traceCalls(client, database, cells);
  const open = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    // From the request for it: waiting for the writer's turn is part of a transaction's time.
    const started = performance.now();
    const tx = await open(mode);
    timeTransaction(tx, cells.transaction, started);
    return traceCalls(tx, database, cells);
  }) as Client['transaction'];
  return client;
}
