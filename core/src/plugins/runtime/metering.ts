import { sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import { pluginLogs, pluginUsage } from '../../db/control-schema.js';
import { newId } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';

export interface UsageSample {
  tenantId: string;
  pluginId: string;
  failed: boolean;
  cpuMs: number;
  wallMs: number;
  fetches: number;
  fetchBytes: number;
}

export interface PluginLogEntry {
  tenantId: string;
  pluginId: string;
  level: string;
  message: string;
  data?: unknown;
}

const MAX_BUFFERED_LOGS = 10_000;

/**
 * Collects usage and plugin logs in memory and writes them in one go every `flushMs`, so metering
 * adds no database round trip to a plugin call. Usage rows are per tenant, plugin and hour.
 */
export class Metering {
  #usage = new Map<string, { key: Omit<UsageSample, 'failed'> & { hour: number }; calls: number; failures: number }>();
  #logs: (PluginLogEntry & { at: Date })[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly control: ControlDb, private readonly logger: Logger, flushMs = 1_000) {
    this.#timer = setInterval(() => void this.flush(), flushMs);
    this.#timer.unref();
  }

  record(s: UsageSample): void {
    const hour = Math.floor(Date.now() / 3_600_000);
    const id = `${s.tenantId}|${s.pluginId}|${hour}`;
    const cur = this.#usage.get(id) ?? { key: { tenantId: s.tenantId, pluginId: s.pluginId, hour, cpuMs: 0, wallMs: 0, fetches: 0, fetchBytes: 0 }, calls: 0, failures: 0 };
    cur.calls += 1;
    cur.failures += s.failed ? 1 : 0;
    cur.key.cpuMs += s.cpuMs;
    cur.key.wallMs += s.wallMs;
    cur.key.fetches += s.fetches;
    cur.key.fetchBytes += s.fetchBytes;
    this.#usage.set(id, cur);
  }

  log(entry: PluginLogEntry): void {
    if (this.#logs.length < MAX_BUFFERED_LOGS) this.#logs.push({ ...entry, at: new Date() });
  }

  async flush(): Promise<void> {
    const usage = [...this.#usage.values()];
    const logs = this.#logs;
    this.#usage = new Map();
    this.#logs = [];
    try {
      for (const u of usage) {
        const row = {
          ...u.key, calls: u.calls, failures: u.failures,
          cpuMs: Math.round(u.key.cpuMs), wallMs: Math.round(u.key.wallMs),
        };
        await this.control.insert(pluginUsage).values(row).onConflictDoUpdate({
          target: [pluginUsage.tenantId, pluginUsage.pluginId, pluginUsage.hour],
          set: {
            calls: sql`${pluginUsage.calls} + ${row.calls}`,
            failures: sql`${pluginUsage.failures} + ${row.failures}`,
            cpuMs: sql`${pluginUsage.cpuMs} + ${row.cpuMs}`,
            wallMs: sql`${pluginUsage.wallMs} + ${row.wallMs}`,
            fetches: sql`${pluginUsage.fetches} + ${row.fetches}`,
            fetchBytes: sql`${pluginUsage.fetchBytes} + ${row.fetchBytes}`,
          },
        });
      }
      if (logs.length) await this.control.insert(pluginLogs).values(logs.map((l) => ({ id: newId(), ...l, data: l.data ?? null })));
    } catch (err) {
      this.logger.error({ err }, 'could not write plugin usage and logs');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
