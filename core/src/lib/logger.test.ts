import { describe, expect, it } from 'vitest';
import { mosaicTracer, startTracing } from '../ops/tracing.js';
import { startOtlpReceiver } from '../ops/tracing-test-receiver.js';
import { createLogger, MAX_LOG_LINE_CHARS, MAX_LOG_STRING_CHARS, withLogContext } from './logger.js';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) };
}

describe('logger', () => {
  it('a 5 MB string field gives a line under the cap that still parses and says it was cut', () => {
    const { lines, logger } = capture();
    logger.warn({ input: 'x'.repeat(5 * 1024 * 1024), nested: { also: 'y'.repeat(100_000) }, small: 'kept' }, 'long input');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThanOrEqual(MAX_LOG_LINE_CHARS);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ msg: 'long input', small: 'kept', truncated: true });
    expect(line.input).toMatch(new RegExp(`^x{${MAX_LOG_STRING_CHARS}}…\\[\\d+ more chars\\]$`));
    expect(line.nested.also.length).toBeLessThan(MAX_LOG_STRING_CHARS + 30);
  });

  it('many fields each under the cap still give one short line naming the message', () => {
    const { lines, logger } = capture();
    const fields = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, 'z'.repeat(1000)]));
    withLogContext({ requestId: 'r-1', tenant: 'acme' }, () => logger.error(fields, 'wide'));
    expect(lines[0]!.length).toBeLessThanOrEqual(MAX_LOG_LINE_CHARS);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'wide', requestId: 'r-1', tenant: 'acme', truncated: true, level: 50 });
  });

  it('lines written while serving a request carry its id and tenant, across awaits; ordinary lines are untouched', async () => {
    const { lines, logger } = capture();
    await withLogContext({ requestId: 'req-9', tenant: 'globex' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      logger.info({ a: 1 }, 'inside');
    });
    logger.info('outside');
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: 'req-9', tenant: 'globex', a: 1, msg: 'inside' });
    expect(JSON.parse(lines[1]!).requestId).toBeUndefined();
    expect(lines[0]).not.toMatch(/truncated/);
  });

  it('lines written while a trace span is active carry trace_id and span_id, across awaits; none without tracing', async () => {
    const { lines, logger } = capture();
    logger.info('before tracing');
    const receiver = await startOtlpReceiver();
    const tracing = startTracing({ endpoint: `${receiver.url}/v1/traces`, serviceName: 'mosaic-test' })!;
    try {
      const ids = await mosaicTracer().startActiveSpan('work', async (span) => {
        await withLogContext({ requestId: 'req-7' }, async () => {
          await new Promise((r) => setTimeout(r, 1));
          logger.info('inside the span');
        });
        span.end();
        return span.spanContext();
      });
      logger.info('after the span');
      expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(JSON.parse(lines[1]!)).toMatchObject({ msg: 'inside the span', requestId: 'req-7', trace_id: ids.traceId, span_id: ids.spanId });
      expect(JSON.parse(lines[2]!).trace_id).toBeUndefined();
    } finally {
      await tracing.shutdown();
      await receiver.close();
    }
    expect(JSON.parse(lines[0]!).trace_id).toBeUndefined();
  });
});
