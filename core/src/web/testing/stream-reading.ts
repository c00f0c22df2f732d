/** Reads an SSE response until `predicate` holds for what arrived, or fails after `ms`. */
export async function readUntil(res: Response, predicate: (text: string) => boolean, ms = 8_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (!predicate(text)) {
    if (Date.now() > deadline) throw new Error(`stream said only: ${text}`);
    const { value, done } = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out; got: ${text}`)), ms))]);
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

/** Waits until `check` holds, looking every 20 ms, or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads a stream until the server ends it; fails if it is still open after `ms`. */
export async function readToEnd(res: Response, ms: number): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still open; got: ${text}`)), ms))]);
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}
