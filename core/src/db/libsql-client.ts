import { join } from 'node:path';
import { createClient, type Client, type TransactionMode } from '@libsql/client';
import type { DatabaseConfig } from './config.js';
import { openKeptStatementsClient } from './kept-statements.js';
import { keptStreamsOf, readOnKeptStreams, type KeptStreams } from './kept-streams.js';
import { pipelineTransactions } from './pipelined-transactions.js';
import { ensurePrivateDatabaseFile, ensurePrivateDir } from './private-files.js';
import { serverFetch } from './server-fetch.js';
import { traceStatements } from './statement-spans.js';
import { writeTransactionsOnOneConnection } from './write-connection.js';

/** How long a writer waits for SQLite's lock before giving up (embedded mode). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the libsql database named `name`: a file in the data folder, or a namespace on the
 * server. sqld picks the namespace from the first label of the Host or from the
 * `x-namespace-bin` header (unpadded base64); the header needs no DNS set-up, so we send that.
 * Its statements are traced while tracing is on (see statement-spans.ts).
 */
export function openLibsqlClient(config: DatabaseConfig, name: string): Client {
  if (config.kind === 'embedded') {
    ensurePrivateDir(config.dataDir);
    const file = join(config.dataDir, `${name}.db`);
    ensurePrivateDatabaseFile(file);
    const open = () => openKeptStatementsClient(file, BUSY_TIMEOUT_MS);
    const writer = async () => {
      const connection = open();
      await connection.execute(SYNCHRONOUS_PRAGMA);
      return connection;
    };
    return traceStatements(keepCommitErrors(writeTransactionsOnOneConnection(open(), writer)), name);
  }
  const namespace = Buffer.from(name).toString('base64').replace(/=+$/, '');
  return traceStatements(serverClient(createClient({
    url: config.url,
    authToken: config.authToken,
    fetch: serverFetch({ 'x-namespace-bin': namespace }),
  })), name);
}

/**
 * A libsql server's client as the platform uses it: its streams kept between transactions and
 * reads (kept-streams.ts, in `streams`), its transactions pipelined, their commit errors kept.
 */
export function serverClient(client: Client, streams: KeptStreams = keptStreamsOf(client)): Client {
  return keepCommitErrors(pipelineTransactions(readOnKeptStreams(client, streams), streams));
}

/**
 * libsql closes a transaction whose commit failed (SQLITE_FULL on a full disk) and then refuses
 * its rollback with TRANSACTION_CLOSED, which drizzle throws in place of the commit's own error:
 * here a rollback of a closed transaction does nothing, so the real reason reaches the caller.
 */
function keepCommitErrors(client: Client): Client {
  const open = client.transaction.bind(client);
  client.transaction = (async (mode?: TransactionMode) => {
    const tx = await open(mode);
    const rollback = tx.rollback.bind(tx);
    tx.rollback = async () => {
      if (tx.closed) tx.close(); // ends it all the same: a kept stream is closed, not lent again
      else await rollback();
    };
    return tx;
  }) as Client['transaction'];
  return client;
}

/** Creates a namespace on the libsql server; an existing one is fine (idempotent). */
export async function ensureServerNamespace(config: DatabaseConfig, name: string): Promise<void> {
  if (config.kind !== 'server') return;
  const res = await fetch(new URL(`/v1/namespaces/${encodeURIComponent(name)}/create`, config.adminUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.ok) return;
  const body = await res.text();
  if (res.status === 400 && body.includes('already exists')) return;
  throw new Error(`libsql server refused to create namespace ${name}: ${res.status} ${body}`);
}

/**
 * How an embedded file syncs: WAL with FULL, so a write acknowledged to a client survives a
 * power loss as well as a crash (NORMAL could lose the last commits on power loss).
 */
export const SYNCHRONOUS_PRAGMA = 'PRAGMA synchronous = FULL';

/** Settings that make an embedded file safe for concurrent readers and one writer. */
export async function tuneEmbedded(config: DatabaseConfig, client: Client): Promise<void> {
  if (config.kind !== 'embedded') return;
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute(SYNCHRONOUS_PRAGMA);
}
