import { sql } from 'drizzle-orm';
import type { ControlDb } from '../db/control.js';

export type ServerPhase = 'starting' | 'ready' | 'draining';

export interface ReadinessReport {
  ready: boolean;
  /** starting (migrating), ready, draining (shutting down), or database-unreachable. */
  status: ServerPhase | 'database-unreachable';
}

/**
 * Whether this process should be sent traffic: not while it starts (migrations run), not once a
 * shutdown began, and not while its database does not answer a cheap query within `timeoutMs`.
 * Liveness is another question (the process runs): /livez never asks the database.
 */
export class Readiness {
  #phase: ServerPhase = 'starting';
  #control: ControlDb | undefined;

  constructor(private readonly options: { timeoutMs?: number; onPing?: (seconds: number) => void } = {}) {}

  get phase(): ServerPhase {
    return this.#phase;
  }

  /** Start-up is over: the database to check from now on. */
  ready(control: ControlDb): void {
    this.#control = control;
    if (this.#phase === 'starting') this.#phase = 'ready';
  }

  /** Shutdown began; there is no way back. */
  draining(): void {
    this.#phase = 'draining';
  }

  async check(): Promise<ReadinessReport> {
    if (this.#phase !== 'ready' || !this.#control) return { ready: false, status: this.#phase };
    return (await this.pingDatabase()) ? { ready: true, status: 'ready' } : { ready: false, status: 'database-unreachable' };
  }

  /** `select 1` on the control database within the timeout; its round trip goes to `onPing`. */
  async pingDatabase(): Promise<boolean> {
    const control = this.#control;
    if (!control) return false;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), this.options.timeoutMs ?? 1_000); });
    try {
      const ok = await Promise.race([control.run(sql`select 1`).then(() => true, () => false), timeout]);
      if (ok) this.options.onPing?.((performance.now() - started) / 1000);
      return ok;
    } finally {
      clearTimeout(timer);
    }
  }
}
