import { AsyncLocalStorage } from 'node:async_hooks';
import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from '@libsql/client';

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
 */
export function pipelineTransactions(client: Client): Client {
  const open = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    // Only a transaction of this client: `work` may open others (the control plane's) meanwhile.
    const listener = commitSentListeners.getStore();
    return pipelinedTransaction(await open(mode), listener?.client === client ? listener.sent : undefined);
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

function pipelinedTransaction(tx: Transaction, commitSent: (() => void) | undefined): Transaction {
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
    sent = (stmts.length === 1 ? tx.execute(stmts[0]!).then((r) => [r]) : tx.batch(stmts)).then((results) => {
      let at = 0;
      for (const s of sending) {
        s.answer?.resolve(results.slice(at, at + s.stmts.length));
        at += s.stmts.length;
      }
    }, (err: unknown) => {
      for (const s of sending) s.answer?.reject(err);
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

  const pipelined: Transaction = {
    async execute(stmt: InStatement | string, args?: unknown) {
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
    batch: (stmts: InStatement[]) => ask(stmts),
    executeMultiple: (sql: string) => tx.executeMultiple(sql),
    async commit() {
      send(); // statements asked and not yet sent still run before COMMIT
      await sent;
      const inserts = steps.flatMap((s) => s.stmts);
      steps = [];
      // COMMIT as the batch's last step runs only if every held insert succeeded.
      const committing = inserts.length === 0 ? tx.commit() : tx.batch([...inserts, 'COMMIT']);
      commitSent?.();
      await committing;
      if (inserts.length > 0) tx.close();
    },
    async rollback() {
      steps = steps.filter((s) => s.answer);
      return tx.rollback();
    },
    close() {
      steps = steps.filter((s) => s.answer);
      tx.close();
    },
    get closed() {
      return tx.closed;
    },
  } as Transaction;
  return pipelined;
}
