import type { Response } from 'undici';
import { EgressError } from './errors.js';

/**
 * Reads a response body as text, never holding more than `cap` bytes: the read stops (and the
 * stream is cancelled, closing the connection) as soon as one chunk would cross the cap.
 * The cap applies to decoded bytes, so a small compressed payload cannot inflate past it.
 */
export async function readCappedBody(response: Response, cap: number): Promise<string> {
  if (!response.body) return '';
  const declared = response.headers.get('content-length');
  const encoded = response.headers.get('content-encoding');
  if (declared !== null && !encoded && Number(declared) > cap) {
    await response.body.cancel().catch(() => {});
    throw tooLarge(cap, `the server announced ${declared} bytes`);
  }
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const bytes = value as Uint8Array;
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    total += chunk.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw tooLarge(cap, 'the body exceeded it');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

const tooLarge = (cap: number, why: string) =>
  new EgressError('EGRESS_TOO_LARGE', `response is larger than this plugin's limit of ${cap} bytes (${why}); request less data, e.g. with paging`);
