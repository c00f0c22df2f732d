/**
 * Client load that records what the server acknowledged: imported rows (a batch is acknowledged
 * by its `{"batch":k}` line), customers created over GraphQL and plugin storage writes. Each
 * loop runs until `stop()` or until the server goes away; a write whose answer never came is
 * not acknowledged (it may or may not have happened).
 */
import { request } from 'node:http';
import type { Client } from '../harness.js';

export interface Acknowledged {
  /** External ids of imported rows whose batch committed. */
  rows: string[];
  /** Emails of customers whose creation answered with an id. */
  customers: string[];
  /** Plugin storage keys whose write answered with the key. */
  storageKeys: string[];
  /** Writes refused with a coded error while the server was up (code → count). */
  refused: Record<string, number>;
}

export interface WriteLoad {
  acknowledged: Acknowledged;
  /** Stops the loops and waits for them (a loop also stops when the server goes away). */
  stop(): Promise<void>;
}

/** Rows per import request and per committed batch: a request spans several commits. */
const ROWS_PER_REQUEST = 12;
const ROWS_PER_BATCH = 3;
/** Pause between two rows of an import body, so a kill can land while one is being streamed. */
const ROW_GAP_MS = 15;

/** Starts the load against `baseUrl`; names and keys start with `tag`, unique per round. */
export function startWriteLoad(baseUrl: string, admin: Client, channelId: string, tag: string): WriteLoad {
  const acknowledged: Acknowledged = { rows: [], customers: [], storageKeys: [], refused: {} };
  let running = true;
  let n = 0;
  const next = () => `${tag}-${++n}`;
  const refuse = (code: unknown) => { acknowledged.refused[String(code)] = (acknowledged.refused[String(code)] ?? 0) + 1; };

  async function loop(step: () => Promise<void>): Promise<void> {
    while (running) {
      try {
        await step();
      } catch {
        return; // the connection failed: the server is gone
      }
    }
  }

  const importing = () => loop(async () => {
    const ids = Array.from({ length: ROWS_PER_REQUEST }, next);
    await streamImport(baseUrl, admin.apiKey, channelId, ids, {
      committed: (ids) => acknowledged.rows.push(...ids),
      refused: refuse,
    });
  });
  const creating = () => loop(async () => {
    const email = `${next()}@faults.example`;
    const res = await admin.gql('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }', { i: { name: `Probe ${email}`, email } });
    if (res.data?.createCustomer?.customer?.id) acknowledged.customers.push(email);
    else refuse(res.errors?.[0]?.extensions?.code);
  });
  const storing = () => loop(async () => {
    const key = `ack-${next()}`;
    const res = await admin.gql('mutation($k: String!, $v: String!) { faults_probe_remember(key: $k, value: $v) }', { k: key, v: `value of ${key}` });
    if (res.data?.faults_probe_remember === key) acknowledged.storageKeys.push(key);
    else refuse(res.errors?.[0]?.extensions?.code);
  });

  const loops = [importing(), importing(), creating(), creating(), storing(), storing()];
  return {
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * POSTs `ids` as NDJSON rows (one contact, so one customer) a row at a time, handing the ids of
 * each batch to `on.committed` as soon as the server says it committed (and the code of each
 * refused row to `on.refused`). Rejects when the connection fails before the closing line.
 */
function streamImport(
  baseUrl: string, apiKey: string, channelId: string, ids: string[],
  on: { committed(ids: string[]): void; refused(code: unknown): void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/ingest/channels/${channelId}?batch=${ROWS_PER_BATCH}`, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let pending = '';
      let done = false;
      const refusedRows = new Set<number>();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let at: number;
        while ((at = pending.indexOf('\n')) >= 0) {
          const line = JSON.parse(pending.slice(0, at)) as { batch?: number; done?: boolean; row?: number; code?: string };
          pending = pending.slice(at + 1);
          // A refused row is left out of its batch: count it, and acknowledge only the rows written.
          if (line.row !== undefined) {
            on.refused(line.code);
            refusedRows.add(line.row);
          }
          if (line.batch !== undefined) {
            on.committed(ids.slice(line.batch * ROWS_PER_BATCH, (line.batch + 1) * ROWS_PER_BATCH).filter((_, i) => !refusedRows.has(line.batch! * ROWS_PER_BATCH + i)));
          }
          if (line.done !== undefined) done = true;
        }
      });
      res.on('end', () => (done ? resolve() : reject(new Error('the import answer ended early'))));
      res.on('error', reject);
    });
    void (async () => {
      for (const id of ids) {
        if (req.destroyed) return;
        const row = { externalId: id, contact: { email: 'importer@source.example' }, body: `imported ${id}` };
        req.write(`${JSON.stringify(row)}\n`);
        await new Promise((r) => setTimeout(r, ROW_GAP_MS));
      }
      req.end();
    })();
  });
}
