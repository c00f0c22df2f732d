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

  /** A pool whose new streams are fake ones, listed in `opened`. */
  const pool = () => {
    const opened: ReturnType<typeof fakeStream>[] = [];
    const streams = new KeptStreams(async () => {
      const stream = fakeStream();
      opened.push(stream);
      return stream;
    });
    return { streams, opened };
  };

  it('lends the stream kept last, each to one user at a time; a new one when none is kept', async () => {
    const { streams, opened } = pool();
    const [a, b] = [await streams.lease(true), await streams.lease(true)];
    expect([a.reused, b.reused, opened.length]).toEqual([false, false, 2]);
    streams.keep(a.stream);
    streams.keep(b.stream);
    expect(await streams.lease(true)).toEqual({ stream: b.stream, reused: true });
    expect(await streams.lease(true)).toEqual({ stream: a.stream, reused: true });
    expect((await streams.lease(true)).stream).toBe(opened[2]);
  });

  it('lends a new stream when asked not to reuse one', async () => {
    const { streams } = pool();
    const first = await streams.lease(true);
    streams.keep(first.stream);
    const fresh = await streams.lease(false);
    expect(fresh.reused).toBe(false);
    expect(fresh.stream).not.toBe(first.stream);
  });

  it('closes a stream idle for 5 s instead of lending it (the server ends it at 10 s)', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { streams } = pool();
    const stale = (await streams.lease(true)).stream;
    streams.keep(stale);
    vi.advanceTimersByTime(5_000);
    expect((await streams.lease(true)).stream).not.toBe(stale);
    expect(stale.closed).toBe(true);
  });

  it('lends for reads only while fewer than four are out or one is idle', async () => {
    const { streams } = pool();
    const out = [];
    for (let i = 0; i < 4; i++) out.push(await streams.leaseIfRoom());
    expect(out.every(Boolean)).toBe(true);
    expect(streams.leaseIfRoom()).toBeUndefined();
    const lent = await out[0]!;
    streams.keep(lent.stream);
    expect(await streams.leaseIfRoom()).toEqual({ stream: lent.stream, reused: true });
    streams.discard((await out[1]!).stream);
    expect(streams.leaseIfRoom()).toBeDefined();
  });

  it('keeps four idle at most, closing the oldest; never keeps a closed one; a discarded one is closed', async () => {
    const { streams } = pool();
    const lent = [];
    for (let i = 0; i < 6; i++) lent.push((await streams.lease(true)).stream);
    for (const s of lent.slice(0, 5)) streams.keep(s);
    expect(lent.slice(0, 5).map((s) => s.closed)).toEqual([true, false, false, false, false]);
    lent[5]!.close();
    streams.keep(lent[5]!);
    expect((await streams.lease(true)).stream).toBe(lent[4]);
    const discarded = (await streams.lease(true)).stream;
    streams.discard(discarded);
    expect(discarded.closed).toBe(true);
  });

  it('closes every idle stream at once when one was found gone', async () => {
    const { streams } = pool();
    const lent = [(await streams.lease(true)).stream, (await streams.lease(true)).stream];
    for (const s of lent) streams.keep(s);
    streams.closeAll();
    expect(lent.every((s) => s.closed)).toBe(true);
    expect((await streams.lease(true)).reused).toBe(false);
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
