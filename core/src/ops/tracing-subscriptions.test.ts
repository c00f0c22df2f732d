/**
 * A subscription's operation span and metrics follow its stream: served by yoga with the tracing
 * and metrics plugins over real HTTP (SSE), with a schema whose events fail on request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErrorMasker } from '../graphql/errors.js';
import { operationMetrics } from '../graphql/plugins/operation-metrics.js';
import { openSse } from '../graphql/subscriptions/sse-test-client.js';
import { AppError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { eventually } from '../plugins/testing/eventually.js';
import { ServerMetrics } from './metrics.js';
import { parseMetrics, value } from './metrics-test-parser.js';
import { graphqlTracing, ATTR_SUBSCRIPTION_EVENTS } from './tracing-graphql.js';
import { startTracing, type Tracing } from './tracing.js';
import { startOtlpReceiver, type ReceivedSpan } from './tracing-test-receiver.js';

const PAUSE_MS = 60;
let openStreams = 0;

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Query { ok: Boolean }
    type Tick { n: Int!, value: Int }
    type Subscription { ticks(count: Int!, failAt: Int): Tick! }
  `,
  resolvers: {
    Subscription: {
      ticks: {
        // `count` events PAUSE_MS apart, then the stream ends (or waits for the client when count is 0 or less).
        subscribe: async function* (_: unknown, { count }: { count: number }) {
          openStreams += 1;
          try {
            for (let n = 1; count <= 0 || n <= count; n++) {
              await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
              yield { ticks: { n } };
            }
          } finally {
            openStreams -= 1;
          }
        },
      },
    },
    Tick: {
      value: ({ n }: { n: number }, _: unknown, __: unknown, info: { variableValues: Record<string, unknown> }) => {
        if (n === info.variableValues.failAt) throw new AppError('NOT_FOUND', 'tick not found');
        return n * 10;
      },
    },
  },
});

describe('subscriptions: spans and metrics follow the stream', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracing: Tracing;
  let server: Server;
  let url: string;
  const metrics = new ServerMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tracing = startTracing({ endpoint: `${receiver.url}/v1/traces`, serviceName: 'mosaic-test' })!;
    const yoga = createYoga({
      schema,
      logging: false,
      maskedErrors: { maskError: createErrorMasker(createLogger('silent')) },
      plugins: [graphqlTracing(schema) as never, operationMetrics(metrics.graphql) as never],
    });
    server = createServer(yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await tracing?.shutdown();
    await receiver?.close();
  });

  const durationMs = (s: ReceivedSpan) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6;
  const errors = async (code: string) => value(parseMetrics(await metrics.registry.metrics()), 'mosaic_graphql_errors_total', { operation: 'Ticks', code });

  it('lasts until the stream ends, records each failed event with its code, and counts its errors', async () => {
    const live = await openSse(url, 'unused', 'subscription Ticks($failAt: Int) { ticks(count: 3, failAt: $failAt) { n value } }', { failAt: 2 });
    expect(live.status).toBe(200);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(JSON.parse((await live.next()).data!));
    expect(sent[1]).toMatchObject({ data: { ticks: { n: 2, value: null } }, errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    expect(await live.next(2_000)).toMatchObject({ event: 'complete' });
    expect(await errors('NOT_FOUND')).toBe(1);
    await tracing.flush();

    const span = receiver.spans.find((s) => s.name === 'subscription Ticks')!;
    expect(span).toBeDefined();
    // Three events PAUSE_MS apart: the span covers the stream, not only its start.
    expect(durationMs(span)).toBeGreaterThanOrEqual(3 * PAUSE_MS - 5);
    expect(span.attributes).toMatchObject({ 'graphql.operation.type': 'subscription', [ATTR_SUBSCRIPTION_EVENTS]: 3, 'mosaic.error.code': 'NOT_FOUND' });
    expect(span.status?.code).toBe(2);
    expect(span.events).toEqual([{ name: 'graphql.subscription.error', attributes: { 'mosaic.error.code': 'NOT_FOUND', 'mosaic.subscription.event': 2, 'mosaic.error.count': 1 } }]);
  });

  it('ends a stream the client leaves when it leaves, unfailed', async () => {
    const live = await openSse(url, 'unused', 'subscription Ticks { ticks(count: 0) { n } }');
    for (let i = 0; i < 2; i++) await live.next();
    live.close();
    await eventually(async () => openStreams, (n) => n === 0);
    await tracing.flush();
    const span = receiver.spans.filter((s) => s.name === 'subscription Ticks').at(-1)!;
    expect(span.attributes[ATTR_SUBSCRIPTION_EVENTS]).toBeGreaterThanOrEqual(2);
    expect(span.status?.code ?? 0).toBe(0);
    expect(span.events).toEqual([]);
    expect(await errors('NOT_FOUND')).toBe(1);
  });
});
