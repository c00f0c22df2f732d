import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import { SubscriptionSlots } from './slots.js';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof AppError ? error.code : 'other';
  }
  return 'none';
};

describe('SubscriptionSlots', () => {
  it('bounds open subscriptions per key and per tenant, and a release frees a slot once', () => {
    const slots = new SubscriptionSlots({ maxSubscriptionsPerTenant: 3, maxSubscriptionsPerKey: 2 });
    const first = slots.acquire('t1', 'k1');
    slots.acquire('t1', 'k1');
    expect(refusal(() => slots.acquire('t1', 'k1'))).toBe('TOO_MANY_SUBSCRIPTIONS');
    slots.acquire('t1', 'k2');
    expect(refusal(() => slots.acquire('t1', 'k3'))).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(refusal(() => slots.acquire('t2', 'k4'))).toBe('none');
    first();
    first();
    expect(slots.openFor('t1')).toBe(2);
    expect(refusal(() => slots.acquire('t1', 'k1'))).toBe('none');
    expect(refusal(() => slots.acquire('t1', 'k1'))).toBe('TOO_MANY_SUBSCRIPTIONS');
  });
});
