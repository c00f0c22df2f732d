import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { exportFailureLog } from './trace-export-reports.js';

describe('export failure log', () => {
  it('warns at the first failure, then at most once a minute with the count since, and once when exports work again', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const registry = new Registry();
    const failures = new Counter({ name: 'failures_total', help: 'failed exports', registers: [registry] });
    let now = 1_000_000;
    const report = exportFailureLog(logger, failures, { now: () => now });
    const refused = Object.assign(new Error('Internal Server Error'), { code: 500 });

    report({ spans: 10, error: refused });
    for (let i = 0; i < 5; i++) {
      now += 10_000;
      report({ spans: 3, error: refused });
    }
    expect(lines.map((l) => l.msg)).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, failures: 1, lostSpans: 10, status: 500, error: 'Internal Server Error' });
    now += 10_000; // a minute after the first line
    report({ spans: 3, error: new Error('connect ECONNREFUSED') });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 40, failures: 6, lostSpans: 18, sinceMs: 60_000, error: 'connect ECONNREFUSED' });
    expect(lines[1]!.status).toBeUndefined();
    now += 1_000;
    report({ spans: 2, error: refused });
    report({ spans: 4 });
    report({ spans: 4 });
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 30, msg: 'trace export works again', unreportedFailures: 1, lostSpans: 2 });
    // Failing again after a recovery is news at once.
    report({ spans: 1, error: refused });
    expect(lines).toHaveLength(4);
    expect((await failures.get()).values[0]!.value).toBe(9);
  });
});
