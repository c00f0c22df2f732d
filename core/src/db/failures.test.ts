import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { databaseFailure, databaseFailureHttp } from './failures.js';

describe('databaseFailure', () => {
  it('a libsql server that does not answer is DATABASE_UNAVAILABLE, retryable, 503 with Retry-After', async () => {
    const client = createClient({ url: 'http://127.0.0.1:9' }); // the discard port: nothing listens
    const err = await client.execute('select 1').then(() => null, (e: unknown) => e);
    client.close();
    const failure = databaseFailure(new Error('Failed query: select 1', { cause: err }));
    expect(failure?.code).toBe('DATABASE_UNAVAILABLE');
    expect(failure?.details).toEqual({ retryable: true, retryAfterSeconds: 1 });
    expect(databaseFailureHttp(failure!)).toEqual({ status: 503, headers: { 'retry-after': '1' } });
  });

  it('SQLITE_FULL is DATABASE_FULL (507); other errors are not database failures', () => {
    const full = Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
    expect(databaseFailure(full)?.code).toBe('DATABASE_FULL');
    expect(databaseFailureHttp(databaseFailure(full)!)).toEqual({ status: 507, headers: {} });
    expect(databaseFailure(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT' }))).toBeUndefined();
    expect(databaseFailure(new TypeError('x is not a function'))).toBeUndefined();
    expect(databaseFailureHttp(new AppError('NOT_FOUND', 'gone'))).toBeUndefined();
  });
});
