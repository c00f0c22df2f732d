import { LibsqlError, type Client, type InArgs, type InStatement, type ResultSet, type TransactionMode } from '@libsql/client';
import { ResultSetImpl } from '@libsql/core/util';
import { HttpTransaction } from '@libsql/client/http';
import * as hrana from '@libsql/hrana-client';

type HttpStream = hrana.HttpStream;

/** sqld ends a stream 10 s after its last request; one idle for half that is not used again. */
const IDLE_MS = 5_000;
/**
 * Streams lent out per client beyond which a read does not open another (a transaction opens one
 * whenever none is idle), and idle streams kept per client. A tenant's write queue uses two at a
 * time (one committing, the next beginning).
 */
const MAX_STREAMS = 4;

/** A stream lent out, and whether it was kept from before (it may be gone at the server). */
export interface Lease {
  stream: HttpStream;
  reused: boolean;
}

/**
 * Hrana streams of one libsql server client, kept open from one use to the next. On sqld each
 * stream is a connection of its own: opening one per transaction or read cost a third of a
 * `select 1`'s time on an idle server. A stream is handed back (`keep`) only where its user left
 * it outside any transaction; otherwise it is closed (`discard`). What a connection carries from
 * one user to the next (`last_insert_rowid()`, `changes()`, TEMP tables, pragmas) shows through;
 * the platform reads none of it outside a transaction.
 */
export class KeptStreams {
  readonly #idle: { stream: HttpStream; since: number }[] = [];
  #lent = 0;

  constructor(private readonly openStream: () => Promise<HttpStream>) {}

  /** Streams lent out now. */
  get lent(): number {
    return this.#lent;
  }

  /** A kept stream if one is open and fresh and `reuse` allows, else a new one. */
  async lease(reuse: boolean): Promise<Lease> {
    const kept = reuse ? this.#take() : undefined;
    this.#lent++;
    if (kept) return { stream: kept, reused: true };
    try {
      return { stream: await this.openStream(), reused: false };
    } catch (error) {
      this.#lent--;
      throw error;
    }
  }

  /** As `lease`, but a new stream only while fewer than MAX_STREAMS are open. */
  leaseIfRoom(): Promise<Lease> | undefined {
    if (this.#idle.length === 0 && this.#lent >= MAX_STREAMS) return undefined;
    return this.lease(true);
  }

  /** Hands a lent stream back, outside any transaction. */
  keep(stream: HttpStream): void {
    this.#lent--;
    if (stream.closed) return;
    if (this.#idle.length >= MAX_STREAMS) this.#idle.shift()!.stream.close();
    this.#idle.push({ stream, since: performance.now() });
  }

  /** Closes a lent stream: the server rolls back whatever it left open. */
  discard(stream: HttpStream): void {
    this.#lent--;
    stream.close();
  }

  /** Closes every idle stream: one was found gone at the server, and the others are older. */
  closeAll(): void {
    for (const kept of this.#idle.splice(0)) kept.stream.close();
  }

  /** The stream kept last, if one is open and fresh. */
  #take(): HttpStream | undefined {
    const now = performance.now();
    for (let kept = this.#idle.pop(); kept; kept = this.#idle.pop()) {
      if (!kept.stream.closed && now - kept.since < IDLE_MS) return kept.stream;
      kept.stream.close();
    }
    return undefined;
  }
}

/** New streams of a libsql server client: each transaction libsql opens has one, not yet used. */
export function keptStreamsOf(client: Client): KeptStreams {
  const open = client.transaction.bind(client);
  return new KeptStreams(async () => {
    const tx = await open('read');
    const stream = tx instanceof HttpTransaction ? tx._getStream() : undefined;
    if (!(stream instanceof hrana.HttpStream)) throw new Error('kept streams need a libsql server client over HTTP');
    return stream;
  });
}

/**
 * Stored SQL outlives a transaction on a kept stream, and sqld stores at most 50 texts a stream:
 * libsql's cache per transaction would run out after a few. Statements go with their text.
 */
const NO_SQL_CACHE = { apply() {} } as unknown as ReturnType<HttpTransaction['_getSqlCache']>;

/**
 * A transaction on a stream that outlives it: the stream is kept once COMMIT or ROLLBACK has been
 * answered. Ended any other way (a failed BEGIN or COMMIT, a request failed as a whole, a
 * transaction abandoned), its stream is closed with it and the server rolls back whatever was
 * left open. From the moment COMMIT or ROLLBACK is sent it refuses every statement, as libsql's
 * own transaction does: queued behind them, a statement would run outside the transaction, and
 * once ended its stream may be serving another transaction.
 */
export class StreamTransaction extends HttpTransaction {
  /** COMMIT or ROLLBACK sent, or the transaction ended. */
  #ending = false;
  #ended = false;
  /** Whether BEGIN has gone out: libsql sends it with the first statements. */
  #begun = false;
  readonly #stream: HttpStream;

  constructor(stream: HttpStream, mode: TransactionMode, version: hrana.ProtocolVersion, private readonly streams: KeptStreams) {
    super(stream, mode, version);
    this.#stream = stream;
  }

  override _getSqlCache(): ReturnType<HttpTransaction['_getSqlCache']> {
    return NO_SQL_CACHE;
  }

  override batch(stmts: InStatement[]): Promise<ResultSet[]> {
    if (this.#ending) return Promise.reject(transactionClosed());
    this.#begun = true;
    return super.batch(stmts);
  }

  override executeMultiple(sql: string): Promise<void> {
    if (this.#ending) return Promise.reject(transactionClosed());
    this.#begun = true;
    return super.executeMultiple(sql);
  }

  override commit(): Promise<void> {
    // A request failed as a whole closed the stream: the transaction is gone, as libsql says it.
    if (this.#stream.closed && !this.#ending) {
      this.close();
      return Promise.reject(transactionClosed());
    }
    return this.#end('COMMIT');
  }

  override async rollback(): Promise<void> {
    if (this.#ending) return;
    // A request that failed as a whole closed the stream, and the server rolls back with it.
    if (this.#stream.closed) return this.close();
    return this.#end('ROLLBACK');
  }

  async #end(statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (this.#ending) throw transactionClosed();
    this.ending();
    try {
      if (this.#begun) await this.#stream.run(statement);
      this.keepStream();
    } catch (err) {
      // A request failed as a whole closes the stream, and the server rolls back with it: done.
      if (statement === 'ROLLBACK' && this.#stream.closed) return;
      throw err instanceof hrana.ClientError ? asLibsqlError(err) : err;
    } finally {
      this.close();
    }
  }

  /** COMMIT or ROLLBACK is on its way: no statement more. */
  ending(): void {
    this.#ending = true;
  }

  /** Ends the transaction, its stream kept for the next one: only once COMMIT or ROLLBACK is answered. */
  keepStream(): void {
    if (this.#ended) return;
    this.#ending = this.#ended = true;
    this.streams.keep(this.#stream);
  }

  override close(): void {
    if (this.#ended) return;
    this.#ending = this.#ended = true;
    this.streams.discard(this.#stream);
  }

  override get closed(): boolean {
    return this.#ending || super.closed;
  }
}

/** The error libsql's own transactions give a statement asked once they have ended. */
export const transactionClosed = (): LibsqlError => new LibsqlError('Cannot execute statements because the transaction is closed', 'TRANSACTION_CLOSED');

/** A server's error as libsql's client reports it (the same code for the same failure), so callers read the same codes. */
export function asLibsqlError(err: hrana.ClientError): LibsqlError {
  return new LibsqlError(err.message, libsqlCodeOf(err), undefined, undefined, err);
}

function libsqlCodeOf(err: hrana.ClientError): string {
  if (err instanceof hrana.ResponseError) return err.code ?? 'UNKNOWN';
  if (err instanceof hrana.ClosedError) return err.cause instanceof hrana.ClientError ? libsqlCodeOf(err.cause) : 'HRANA_CLOSED_ERROR';
  if (err instanceof hrana.ProtoError) return 'HRANA_PROTO_ERROR';
  if (err instanceof hrana.HttpServerError) return 'SERVER_ERROR';
  if (err instanceof hrana.ProtocolVersionError) return 'PROTOCOL_VERSION_ERROR';
  if (err instanceof hrana.InternalError) return 'INTERNAL_ERROR';
  if (err instanceof hrana.WebSocketError) return 'HRANA_WEBSOCKET_ERROR';
  return 'UNKNOWN';
}

/** A transaction on a kept stream if there is one and `reuse` allows, else on a new stream. */
export async function streamTransaction(streams: KeptStreams, mode: TransactionMode, reuse: boolean): Promise<{ tx: StreamTransaction; reused: boolean; version: hrana.ProtocolVersion }> {
  const { stream, reused } = await streams.lease(reuse);
  try {
    // Asked when the client opened its first stream: no round trip.
    const version = await stream.client().getVersion();
    return { tx: new StreamTransaction(stream, mode, version, streams), reused, version };
  } catch (error) {
    streams.discard(stream);
    throw error;
  }
}

/** A statement that only reads: it leaves its stream as it found it. */
const READ_STATEMENT = /^\s*select\b/i;

/** A SELECT asked outside a transaction, and where its answer goes. */
interface Read {
  stmt: InStatement;
  resolve: (result: ResultSet) => void;
  reject: (error: unknown) => void;
}

/**
 * SELECTs outside any transaction go on kept streams too, and those asked in the same turn of the
 * event loop (a GraphQL level's DataLoaders, and other requests' reads of the moment) travel in one
 * request, each with its own answer or error: no new connection at the server, and one round trip
 * for the lot. The server runs them one after the other; reads of the next turn take another
 * stream while this one is busy.
 * While MAX_STREAMS are busy, or when a request on a kept stream fails as a whole (the stream gone
 * at the server, the server down), libsql's own `execute` answers each (a stream of its own,
 * closed in the same request), and its errors are what callers see.
 */
export function readOnKeptStreams(client: Client, streams: KeptStreams): Client {
  const execute = client.execute.bind(client) as (stmt: InStatement) => Promise<ResultSet>;
  const byLibsql = (read: Read) => execute(read.stmt).then(read.resolve, read.reject);
  let asked: Read[] = [];

  const send = async (reads: Read[]): Promise<void> => {
    const lease = await streams.leaseIfRoom()?.catch(() => undefined);
    if (!lease) {
      for (const read of reads) void byLibsql(read);
      return;
    }
    const { stream } = lease;
    let outcomes: PromiseSettledResult<hrana.RowsResult>[];
    let failedWhole = true;
    try {
      // Queued in one go, the queries go out in one request. A query refused before it is queued
      // (an argument SQLite cannot take) fails alone.
      outcomes = await Promise.allSettled(reads.map(async ({ stmt }) => stream.query(typeof stmt === 'string' ? stmt : [stmt.sql, stmt.args ?? []])));
      // A request that failed as a whole closes its stream; a statement that failed does not.
      failedWhole = stream.closed;
    } finally {
      if (failedWhole) {
        streams.discard(stream);
        streams.closeAll();
      } else {
        streams.keep(stream);
      }
    }
    outcomes.forEach((outcome, i) => {
      const read = reads[i]!;
      if (outcome.status === 'fulfilled') read.resolve(resultSetOf(outcome.value));
      else if (failedWhole) void byLibsql(read);
      else read.reject(outcome.reason instanceof hrana.ClientError ? asLibsqlError(outcome.reason) : outcome.reason);
    });
  };

  client.execute = ((stmtOrSql: InStatement, args?: InArgs) => {
    const stmt = typeof stmtOrSql === 'string' && args !== undefined ? { sql: stmtOrSql, args } : stmtOrSql;
    if (!READ_STATEMENT.test(typeof stmt === 'string' ? stmt : stmt.sql)) return execute(stmt);
    return new Promise<ResultSet>((resolve, reject) => {
      asked.push({ stmt, resolve, reject });
      if (asked.length > 1) return;
      // setImmediate runs once this turn of the event loop is done: the reads asked with this one
      // are in by then, those of DataLoaders dispatching on a later tick too.
      setImmediate(() => {
        const reads = asked;
        asked = [];
        send(reads).catch((error: unknown) => {
          for (const read of reads) read.reject(error);
        });
      });
    });
  }) as Client['execute'];
  return client;
}

/** The rows as libsql's client gives them. */
function resultSetOf(rows: hrana.RowsResult): ResultSet {
  const columns = rows.columnNames.map((name) => name ?? '');
  const columnTypes = rows.columnDecltypes.map((type) => type ?? '');
  return new ResultSetImpl(columns, columnTypes, rows.rows, rows.affectedRowCount, rows.lastInsertRowid);
}

/**
 * Whether a request failed because its stream is gone at the server: expired, or unknown to a
 * server started since (its batons no longer verify, a 400). The server ran nothing of it.
 */
export function streamGone(err: unknown): boolean {
  if (!(err instanceof LibsqlError)) return false;
  if (err.code === 'STREAM_EXPIRED') return true;
  return err.cause instanceof hrana.HttpServerError && err.cause.status === 400;
}
