import { Mutex } from 'async-mutex';
import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from '@libsql/client';

/**
 * Runs the write transactions of an embedded (file) client on one long-lived connection of their
 * own, one at a time, instead of libsql's way: its file client hands its connection to each
 * transaction and opens a new one for the next statement, and the old one is released only when
 * the garbage collector finalises it (its prepared statements keep it open even after close()).
 * Under steady writes a server held thousands of such connections, each a file descriptor and a
 * page cache, and grew by hundreds of MB. SQLite has one writer at a time anyway, so queueing the
 * transactions here costs nothing and spares the busy-wait that blocks the event loop; reads keep
 * the client's own connection and never see a transaction's uncommitted rows. Read transactions
 * (backups) still take a connection of their own as before.
 */
export function writeTransactionsOnOneConnection(client: Client, openWriter: () => Promise<Client>): Client {
  const openTransaction = client.transaction.bind(client);
  const closeClient = client.close.bind(client);
  const lock = new Mutex();
  let writer: Promise<Client> | undefined;
  // A statement that failed (a BEGIN another process kept waiting past the busy timeout, a
  // constraint) stays open on its connection until the garbage collector finalises it, and SQLite
  // then refuses every later COMMIT there ("SQL statements in progress"). Such a connection is
  // dropped: the next transaction opens another.
  const drop = (failed: Promise<Client>) => {
    if (writer !== failed) return;
    writer = undefined;
    void failed.then((connection) => connection.close(), () => {});
  };

  // Writes outside a transaction (autocommit statements, write batches) take the same connection
  // and turn: on a second connection of this thread, SQLite's busy wait would block the event loop
  // that the transaction holding the lock needs to finish, until the busy timeout failed it.
  const execute = client.execute.bind(client);
  const batch = client.batch.bind(client);
  const onWriter = async <T>(work: (connection: Client) => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    const opening = (writer ??= openWriter());
    try {
      return await work(await opening);
    } catch (err) {
      drop(opening);
      throw err;
    } finally {
      release();
    }
  };
  client.execute = ((stmt: InStatement | string, args?: unknown) => {
    if (!writes(stmt)) return execute(stmt as never, args as never);
    return onWriter((connection) => executeOn(connection, stmt, args));
  }) as Client['execute'];
  client.batch = ((stmts: InStatement[], mode?: TransactionMode) =>
    mode === 'read' ? batch(stmts, mode) : onWriter((connection) => connection.batch(stmts, mode))) as Client['batch'];

  client.transaction = (async (mode: TransactionMode = 'write') => {
    if (mode !== 'write') return openTransaction(mode);
    const release = await lock.acquire();
    // Opened (and tuned) on first use and kept while its statements succeed.
    const opening = (writer ??= openWriter());
    try {
      const connection = await opening;
      await connection.execute('BEGIN IMMEDIATE');
      return sharedTransaction(connection, release, () => drop(opening));
    } catch (err) {
      drop(opening);
      release();
      throw err;
    }
  }) as Client['transaction'];

  client.close = () => {
    closeClient();
    void writer?.then((w) => w.close(), () => {});
    writer = undefined;
  };
  return client;
}

/** `client.execute`'s two call forms, on `connection`. */
const executeOn = (connection: Client, stmt: InStatement | string, args?: unknown) =>
  (typeof stmt === 'string' ? connection.execute(stmt, args as never) : connection.execute(stmt));

/** Statements that only read (and pragmas, which set or read this connection's own settings). */
const READS = /^\s*(select|explain|values|pragma)\b/i;
const writes = (stmt: InStatement | string) => !READS.test(typeof stmt === 'string' ? stmt : stmt.sql);

/**
 * The error libsql's own transactions throw when used after their end, with libsql's code, so
 * what handles the client's errors (libsql-client.ts) treats both alike. A driver's code, never
 * a client's: a use after the end is a bug the API answers as INTERNAL_SERVER_ERROR.
 */
const LIBSQL_CLOSED = 'TRANSACTION_CLOSED';
const transactionClosed = () => Object.assign(new Error('The transaction is closed'), { code: LIBSQL_CLOSED });

/**
 * A transaction on `connection`, which it holds until commit, rollback or close (then `release`);
 * `drop` retires the connection when one of its statements failed.
 */
function sharedTransaction(connection: Client, release: () => void, drop: () => void): Transaction {
  let closed = false;
  let failed = false;
  const run = async <T>(statement: () => Promise<T>): Promise<T> => {
    try {
      return await statement();
    } catch (err) {
      failed = true;
      throw err;
    }
  };
  const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (closed) {
      if (sql === 'ROLLBACK') return; // as libsql: a rollback after the end does nothing
      throw transactionClosed();
    }
    try {
      await run(() => connection.execute(sql));
    } catch (err) {
      // A commit that failed (a full disk) may leave the transaction open: never hand it on.
      if (sql === 'COMMIT') await connection.execute('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      closed = true;
      if (failed) drop();
      release();
    }
  };
  const open = () => {
    if (closed) throw transactionClosed();
  };
  const tx: Transaction = {
    async execute(stmt: InStatement | string, args?: unknown) {
      open();
      return run(() => executeOn(connection, stmt, args));
    },
    async batch(stmts: InStatement[]) {
      const results: ResultSet[] = [];
      for (const stmt of stmts) results.push(await tx.execute(stmt));
      return results;
    },
    async executeMultiple() {
      // The client's own executeMultiple rolls back any open transaction when done; nothing here needs it.
      throw new Error('executeMultiple is not available in a write transaction');
    },
    commit: () => end('COMMIT'),
    rollback: () => end('ROLLBACK'),
    close: () => { if (!closed) void end('ROLLBACK').catch(() => {}); },
    get closed() { return closed; },
  } as Transaction;
  return tx;
}
