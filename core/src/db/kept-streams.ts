import { LibsqlError, type InStatement, type ResultSet, type TransactionMode } from '@libsql/client';
import { HttpTransaction } from '@libsql/client/http';
import * as hrana from '@libsql/hrana-client';

type HttpStream = hrana.HttpStream;

/** sqld ends a stream 10 s after its last request; one idle for half that is not used again. */
const IDLE_MS = 5_000;
/**
 * Streams kept idle per client. A tenant's write queue uses two at a time (one committing, the
 * next beginning); the rest serve bursts of transactions opened outside it.
 */
const MAX_IDLE = 4;

/**
 * Hrana streams of one libsql server client, kept open from one transaction to the next. On
 * sqld each stream is a connection of its own: opening one per transaction cost a third of a
 * `select 1`'s time on an idle server. A stream is kept only once its transaction has ended with
 * an answered COMMIT or ROLLBACK, so the next transaction finds it outside any transaction.
 */
export class KeptStreams {
  readonly #idle: { stream: HttpStream; since: number }[] = [];

  /** The stream kept last, if one is open and fresh. */
  take(): HttpStream | undefined {
    const now = performance.now();
    for (let kept = this.#idle.pop(); kept; kept = this.#idle.pop()) {
      if (!kept.stream.closed && now - kept.since < IDLE_MS) return kept.stream;
      kept.stream.close();
    }
    return undefined;
  }

  /** Closes every idle stream: one was found gone at the server, and the others are older. */
  closeAll(): void {
    for (const kept of this.#idle.splice(0)) kept.stream.close();
  }

  keep(stream: HttpStream): void {
    if (stream.closed) return;
    if (this.#idle.length >= MAX_IDLE) this.#idle.shift()!.stream.close();
    this.#idle.push({ stream, since: performance.now() });
  }
}

/**
 * Stored SQL outlives a transaction on a kept stream, and sqld stores at most 50 texts a stream:
 * libsql's cache per transaction would run out after a few. Statements go with their text.
 */
const NO_SQL_CACHE = { apply() {} } as unknown as ReturnType<HttpTransaction['_getSqlCache']>;

/**
 * A transaction on a stream that outlives it: the stream is kept once COMMIT or ROLLBACK has been
 * answered. Ended any other way (a failed BEGIN or COMMIT, a transaction abandoned), its stream is
 * closed with it and the server rolls back whatever was left open. Once ended it refuses every
 * statement: its stream may be serving another transaction by then.
 */
export class StreamTransaction extends HttpTransaction {
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
    if (this.#ended) return Promise.reject(transactionClosed());
    this.#begun = true;
    return super.batch(stmts);
  }

  override executeMultiple(sql: string): Promise<void> {
    if (this.#ended) return Promise.reject(transactionClosed());
    this.#begun = true;
    return super.executeMultiple(sql);
  }

  override commit(): Promise<void> {
    return this.#end('COMMIT');
  }

  override rollback(): Promise<void> {
    return this.#ended ? Promise.resolve() : this.#end('ROLLBACK');
  }

  async #end(statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    if (this.#ended) throw transactionClosed();
    try {
      if (this.#begun) await this.#stream.run(statement);
      this.keepStream();
    } catch (err) {
      throw err instanceof hrana.ClientError ? asLibsqlError(err) : err;
    } finally {
      this.close();
    }
  }

  /** Ends the transaction, its stream kept for the next one: only once COMMIT or ROLLBACK is answered. */
  keepStream(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.streams.keep(this.#stream);
  }

  override close(): void {
    if (this.#ended) return;
    this.#ended = true;
    super.close();
  }

  override get closed(): boolean {
    return this.#ended || super.closed;
  }
}

const transactionClosed = () => new LibsqlError('Cannot execute statements because the transaction is closed', 'TRANSACTION_CLOSED');

/** A server's error as libsql's client reports it, so callers read the same codes. */
export function asLibsqlError(err: hrana.ClientError): LibsqlError {
  const code = err instanceof hrana.ResponseError && err.code !== undefined ? err.code
    : err instanceof hrana.ClosedError ? 'HRANA_CLOSED_ERROR'
      : err instanceof hrana.HttpServerError ? 'SERVER_ERROR' : 'HRANA_PROTO_ERROR';
  return new LibsqlError(err.message, code, undefined, undefined, err);
}

/** A transaction on a kept stream if there is one and `reuse` allows, else on a new stream. */
export async function streamTransaction(streams: KeptStreams, open: (mode: TransactionMode) => Promise<unknown>, mode: TransactionMode, reuse: boolean): Promise<{ tx: StreamTransaction; reused: boolean; version: hrana.ProtocolVersion }> {
  const kept = reuse ? streams.take() : undefined;
  const stream = kept ?? openedStream(await open(mode));
  // Asked when the client opened its first stream: no round trip.
  const version = await stream.client().getVersion();
  return { tx: new StreamTransaction(stream, mode, version, streams), reused: kept !== undefined, version };
}

function openedStream(tx: unknown): HttpStream {
  const stream = tx instanceof HttpTransaction ? tx._getStream() : undefined;
  if (!(stream instanceof hrana.HttpStream)) throw new Error('kept streams need a libsql server client over HTTP');
  return stream;
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
