import { describe, expect, it } from 'vitest';
import { decodeEnvelope, envelope, RawJson } from './protocol.js';

const decoded = (value: unknown): unknown => {
  const result = decodeEnvelope(envelope.value(value));
  if (!result.ok) throw new Error(result.message);
  return result.json === undefined ? undefined : JSON.parse(result.json);
};

describe('envelope.value', () => {
  it('sends JSON text read from storage as it is, the same as the parsed value would cross', () => {
    const stored = '{"status":"IN_TRANSIT","eta":"2026-12-04T10:00:00.000Z","hops":[1,2.5,"Zürich"]}';
    expect(envelope.value(new RawJson(stored))).toBe(`R${stored}`);
    expect(decoded(new RawJson(stored))).toEqual(decoded(JSON.parse(stored)));
  });

  it('joins stored texts into one array, null where a key had no value', () => {
    const raw = RawJson.array(['1', undefined, '"two"', null, '{"three":[3]}']);
    expect(decoded(raw)).toEqual([1, null, 'two', null, { three: [3] }]);
    expect(decoded(RawJson.array([]))).toEqual([]);
  });

  it('still serialises ordinary values and undefined', () => {
    expect(decoded({ a: [1, null] })).toEqual({ a: [1, null] });
    expect(envelope.value(undefined)).toBe('U');
  });
});
