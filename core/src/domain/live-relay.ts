import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Client, InValue } from '@libsql/client';
import type { Logger } from '../lib/logger.js';
import type { LiveEvent, LiveEventBus } from './live-events.js';

/** Epoch milliseconds by the database's clock (the nodes' clocks may differ; pruning uses this one). */
const DB_NOW_MS = `cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
/** Rows per insert and per read: a burst is written and read in a few statements. */
const CHUNK = 200;

export interface LiveRelayOptions {
  /** The control database, which every node shares. */
  control: Client;
  bus: LiveEventBus;
  logger: Logger;
  /** How often the other nodes' events are read (default 250 ms). */
  pollMs?: number;
  /**
   * How long this node's events wait to be written, so the events of that time go in one insert
   * (default 50 ms): the other nodes read only every `pollMs` anyway, and a busy tenant's writes
   * would otherwise cost the control database an insert each.
   */
  writeDelayMs?: number;
  /** Events older than this are deleted (default a minute): a node that was away that long reloads anyway. */
  keepMs?: number;
}

export interface LiveRelay {
  /** This node's id in `live_events.node_id`. */
  nodeId: string;
  /** Stops reading, writes what is queued, and detaches from the bus. */
  stop(): Promise<void>;
}

/**
 * Carries live events between nodes through the control database's `live_events` table, so a
 * console connected to one node hears writes made on another. Each event the bus publishes is
 * written after its change committed (batched, in publish order); every node reads the rows past
 * its cursor every `pollMs` and hands the other nodes' events to its own subscribers. The id only
 * grows and SQLite commits one writer at a time, so rows become visible in id order and a cursor
 * misses none. Best effort like the bus itself: a write that fails is logged and dropped (a live
 * page reloads when it reconnects). Only run with several nodes: one node needs none of this.
 */
export async function startLiveRelay(options: LiveRelayOptions): Promise<LiveRelay> {
  const { control, bus, logger } = options;
  const pollMs = options.pollMs ?? 250;
  const writeDelayMs = options.writeDelayMs ?? 50;
  const keepMs = options.keepMs ?? 60_000;
  const nodeId = randomUUID();
  const queued: { tenantId: string; event: LiveEvent }[] = [];
  let writing: Promise<void> | undefined;
  let stopped = false;

  // From now on: earlier events were for subscribers that this node did not have.
  const start = await control.execute('select coalesce(max(id), 0) as id from live_events');
  let cursor = Number(start.rows[0]!.id);

  /**
   * Writes what is queued now, one write at a time so the ids follow the publish order; what is
   * published meanwhile waits for the next flush.
   */
  const write = async (): Promise<void> => {
    const taken = queued.splice(0, queued.length);
    while (taken.length > 0) {
      const rows = taken.splice(0, CHUNK).flatMap(({ tenantId, event }) => {
        try {
          return [[tenantId, nodeId, serialize(event)] as InValue[]];
        } catch (err) {
          logger.warn({ err, tenantId, type: event.type }, 'a live event could not be relayed');
          return [];
        }
      });
      if (rows.length === 0) continue;
      try {
        await control.execute({
          sql: `insert into live_events (tenant_id, node_id, event, at) values ${rows.map(() => `(?, ?, ?, ${DB_NOW_MS})`).join(', ')}`,
          args: rows.flat(),
        });
      } catch (err) {
        logger.warn({ err, events: rows.length }, 'live events could not be relayed to the other nodes');
      }
    }
  };
  // The events of `writeDelayMs` go in one insert.
  const flush = () => {
    writing = new Promise<void>((resolve) => setTimeout(resolve, writeDelayMs)).then(write).finally(() => {
      writing = undefined;
      if (queued.length > 0) flush();
    });
  };
  const detach = bus.relayTo((tenantId, event) => {
    queued.push({ tenantId, event });
    if (!writing) flush();
  });

  /** Hands the other nodes' events past the cursor to this node's subscribers; true when there may be more. */
  const read = async (): Promise<boolean> => {
    const rs = await control.execute({
      sql: 'select id, tenant_id, event from live_events where id > ? and node_id <> ? order by id limit ?',
      args: [cursor, nodeId, CHUNK],
    });
    for (const row of rs.rows) {
      cursor = Number(row.id);
      const tenantId = String(row.tenant_id);
      // Only tenants someone here listens to are decoded.
      if (bus.listenerCount(tenantId) === 0) continue;
      try {
        bus.deliver(tenantId, deserialize(new Uint8Array(row.event as ArrayBuffer)) as LiveEvent);
      } catch (err) {
        logger.warn({ err, tenantId }, 'a relayed live event could not be read');
      }
    }
    return rs.rows.length === CHUNK;
  };

  let nextPrune = 0;
  const prune = async () => {
    if (Date.now() < nextPrune) return;
    nextPrune = Date.now() + Math.min(keepMs, 10_000);
    await control.execute({ sql: `delete from live_events where at < ${DB_NOW_MS} - ?`, args: [keepMs] });
  };

  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  // While the database is away, said once (not four times a second), and its return once.
  let failing = false;
  const poll = async () => {
    try {
      while (!stopped && (await read()));
      await prune();
      if (failing) logger.info('live events of the other nodes are read again');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err }, 'live events of the other nodes could not be read; retrying');
      failing = true;
    }
    if (!stopped) timer = setTimeout(() => { polling = poll(); }, pollMs);
  };
  polling = poll();

  return {
    nodeId,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      detach();
      await polling;
      while (writing) await writing;
    },
  };
}
