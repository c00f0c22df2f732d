import type { ServerType } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/authenticate.js';
import type { Readiness } from './readiness.js';

/**
 * Once shutdown began, every answer closes its connection (`Connection: close`), so clients on
 * kept-alive connections move to another server instead of sending more here.
 */
export function closeConnectionsWhileDraining(readiness: Readiness): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const draining = () => readiness.phase === 'draining';
    if (draining() && c.env?.outgoing) c.env.outgoing.shouldKeepAlive = false;
    await next();
    if (draining() && !c.env?.outgoing?.headersSent) c.header('connection', 'close');
  };
}

/**
 * Stops accepting connections and waits for the open ones to finish their requests, closing each
 * as it goes idle; after `timeoutMs` the rest are cut. Resolves true when everything finished
 * in time.
 */
export async function drainConnections(server: ServerType, timeoutMs: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() drops only the connections idle when it is called; sweep until none is left.
  const sweep = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 20);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<true>((resolve) => { timer = setTimeout(() => resolve(true), timeoutMs); });
  try {
    const timedOut = await Promise.race([closed.then(() => false as const), late]);
    if (timedOut) {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await closed;
    }
    return !timedOut;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}

/** `work`, or nothing once `ms` have passed (work left running is abandoned, not cancelled). */
export async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}
