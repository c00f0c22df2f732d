import { LibsqlError } from '@libsql/client';
import * as hrana from '@libsql/hrana-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeptStreams, streamGone } from './kept-streams.js';

/** A stand-in for a Hrana stream: the pool only reads `closed` and calls `close()`. */
const fakeStream = () => {
  const stream = { closed: false, close: () => { stream.closed = true; } };
  return stream as typeof stream & hrana.HttpStream;
};

describe('kept streams', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('hands back the stream kept last, and each only once', () => {
    const streams = new KeptStreams();
    const [a, b] = [fakeStream(), fakeStream()];
    streams.keep(a);
    streams.keep(b);
    expect(streams.take()).toBe(b);
    expect(streams.take()).toBe(a);
    expect(streams.take()).toBeUndefined();
  });

  it('closes a stream idle for 5 s instead of handing it back (the server ends it at 10 s)', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const streams = new KeptStreams();
    const stale = fakeStream();
    streams.keep(stale);
    vi.advanceTimersByTime(5_000);
    expect(streams.take()).toBeUndefined();
    expect(stale.closed).toBe(true);
  });

  it('keeps four idle at most, closing the oldest; never keeps a closed one', () => {
    const streams = new KeptStreams();
    const all = [fakeStream(), fakeStream(), fakeStream(), fakeStream(), fakeStream()];
    for (const s of all) streams.keep(s);
    expect(all.map((s) => s.closed)).toEqual([true, false, false, false, false]);
    const closed = fakeStream();
    closed.close();
    streams.keep(closed);
    expect(streams.take()).toBe(all[4]);
  });

  it('closes every idle stream at once when one was found gone', () => {
    const streams = new KeptStreams();
    const all = [fakeStream(), fakeStream()];
    for (const s of all) streams.keep(s);
    streams.closeAll();
    expect(all.every((s) => s.closed)).toBe(true);
    expect(streams.take()).toBeUndefined();
  });
});

describe('a stream gone at the server', () => {
  const fromServer = (status: number) =>
    new LibsqlError('Server returned HTTP status', 'SERVER_ERROR', undefined, undefined, new hrana.HttpServerError('refused', status));

  it('is an expired stream or a baton the server refuses (400): nothing of the request ran', () => {
    expect(streamGone(new LibsqlError('The stream has expired due to inactivity', 'STREAM_EXPIRED'))).toBe(true);
    expect(streamGone(fromServer(400))).toBe(true);
  });

  it('is not a statement failing, nor a server failing mid-request', () => {
    expect(streamGone(new LibsqlError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(streamGone(fromServer(500))).toBe(false);
    expect(streamGone(new Error('socket hang up'))).toBe(false);
  });
});
