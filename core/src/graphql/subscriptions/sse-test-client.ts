/** One Server-Sent Event as read off the wire; `comment` is a keep-alive line (`:`). */
export interface SseEvent {
  event?: string;
  data?: string;
  comment?: boolean;
}

/** A live SSE response read event by event, for tests that speak real HTTP. */
export interface SseStream {
  status: number;
  contentType: string | null;
  /** The next event that is not a keep-alive comment; rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Whether an event (not a comment) arrives within `ms`. */
  quietFor(ms: number): Promise<boolean>;
  /** Keep-alive comments seen so far. */
  readonly pings: number;
  /** Drops the connection, as a closed browser tab does. */
  close(): void;
}

/**
 * How the operation is sent: POST with a JSON body (with Content-Length, or `chunked` without
 * one), or GET with query parameters.
 */
export type SseTransport = 'POST' | 'GET' | 'chunked';

/** Opens a GraphQL subscription over SSE and parses the stream as it arrives. */
export async function openSse(
  baseUrl: string, apiKey: string, query: string, variables: Record<string, unknown> = {}, method: SseTransport = 'POST',
): Promise<SseStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${apiKey}` };
  const url = new URL('/graphql', baseUrl);
  let body: string | ReadableStream<Uint8Array> | undefined;
  if (method === 'GET') {
    url.searchParams.set('query', query);
    url.searchParams.set('variables', JSON.stringify(variables));
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ query, variables });
    if (method === 'chunked') {
      const bytes = new TextEncoder().encode(body);
      body = new ReadableStream({ start(controller) { controller.enqueue(bytes); controller.close(); } });
    }
  }
  const res = await fetch(url, {
    method: method === 'GET' ? 'GET' : 'POST', headers, body, signal: abort.signal, ...(method === 'chunked' && { duplex: 'half' }),
  } as RequestInit);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffered = '';
  let pings = 0;
  let ended = false;
  let wake: (() => void) | undefined;

  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, cut);
          buffered = buffered.slice(cut + 2);
          const event: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) event.comment = true;
            else if (line.startsWith('event:')) event.event = line.slice(6).trim();
            else if (line.startsWith('data:')) event.data = (event.data ? `${event.data}\n` : '') + line.slice(5).trimStart();
          }
          if (event.comment && !event.event && event.data === undefined) pings++;
          else events.push(event);
        }
        wake?.();
      }
    } catch {
      // aborted by close()
    }
    ended = true;
    wake?.();
  })();

  const waitFor = async (timeoutMs: number): Promise<SseEvent | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (events.length === 0 && !ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
    }
    return events.shift();
  };

  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    async next(timeoutMs = 5000) {
      const event = await waitFor(timeoutMs);
      if (!event) throw new Error(ended ? 'the stream ended' : `no event within ${timeoutMs} ms`);
      return event;
    },
    async quietFor(ms) {
      const event = await waitFor(ms);
      if (event) events.unshift(event);
      return event === undefined;
    },
    get pings() {
      return pings;
    },
    close: () => abort.abort(),
  };
}
