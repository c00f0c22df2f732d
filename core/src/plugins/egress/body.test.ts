import { describe, expect, it } from 'vitest';
import { ReadableStream } from 'node:stream/web';
import { Response } from 'undici';
import { readCappedBody } from './body.js';

/** An endless body that counts how much was pulled from it and whether it was cancelled. */
function endless(chunkSize: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += chunkSize;
      controller.enqueue(new Uint8Array(chunkSize).fill(97));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { state, response: new Response(stream) };
}

describe('readCappedBody', () => {
  it('stops pulling one chunk past the cap and cancels the stream', async () => {
    const { state, response } = endless(1000);
    await expect(readCappedBody(response, 64 * 1024)).rejects.toMatchObject({ code: 'EGRESS_TOO_LARGE' });
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(64 * 1024 + 1000);
  });

  it('decodes UTF-8 across chunk boundaries', async () => {
    const bytes = Buffer.from('héllo wörld ✓', 'utf8');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    expect(await readCappedBody(new Response(stream), 1024)).toBe('héllo wörld ✓');
  });

  it('treats an empty body as the empty string', async () => {
    expect(await readCappedBody(new Response(null, { status: 204 }), 10)).toBe('');
  });
});
