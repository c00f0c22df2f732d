import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from '@libsql/client';

/**
 * On a libsql server every statement of a transaction costs a network round trip, and the
 * transaction holds the database's write lock through all of them. A plain INSERT (VALUES, no
 * RETURNING, no ON CONFLICT) answers nothing a caller can use but success: its rows count is
 * known in advance. So such inserts are held back and sent in one batch with the next statement
 * (or with COMMIT), saving their round trips. The batch runs each step only if the one before it
 * succeeded, so a held insert that fails (a constraint) fails that next statement, or the
 * commit, with its own error; COMMIT never runs after a failed insert and the caller rolls back:
 * all or nothing as before. UPDATEs and DELETEs are never held: callers read their rows count
 * (conditional updates).
 */
export function pipelineInsertsInTransactions(client: Client): Client {
  const open = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => pipelinedTransaction(await open(mode))) as Client['transaction'];
  return client;
}

/** ROLLBACK, ROLLBACK TO a savepoint: it undoes whatever is held (all of it came after the last statement sent). */
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

function pipelinedTransaction(tx: Transaction): Transaction {
  let held: InStatement[] = [];
  /** Runs the held inserts and then `stmts` in one batch; the results of `stmts`. */
  const withHeld = async (stmts: InStatement[]): Promise<ResultSet[]> => {
    if (held.length === 0) return stmts.length === 1 ? [await tx.execute(stmts[0]!)] : tx.batch(stmts);
    const sending = held;
    held = [];
    const results = await tx.batch([...sending, ...stmts]);
    return results.slice(sending.length);
  };
  const pipelined: Transaction = {
    async execute(stmt: InStatement | string, args?: unknown) {
      const statement = asStatement(stmt, args);
      // Held inserts would be undone by it anyway; sending them first could fail it instead.
      if (ROLLBACK.test(statement.sql)) held = [];
      const rows = plainInsertRows(statement);
      if (rows !== undefined) {
        if (tx.closed) return tx.execute(statement); // libsql's own TRANSACTION_CLOSED
        held.push(statement);
        return insertedResult(rows);
      }
      return (await withHeld([statement]))[0]!;
    },
    batch: (stmts: InStatement[]) => withHeld(stmts),
    executeMultiple: (sql: string) => tx.executeMultiple(sql),
    async commit() {
      if (held.length === 0) return tx.commit();
      const sending = held;
      held = [];
      // COMMIT as the batch's last step runs only if every held insert succeeded.
      await tx.batch([...sending, 'COMMIT']);
      tx.close();
    },
    async rollback() {
      held = [];
      return tx.rollback();
    },
    close() {
      held = [];
      tx.close();
    },
    get closed() {
      return tx.closed;
    },
  } as Transaction;
  return pipelined;
}
