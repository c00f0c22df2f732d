import { describe, expect, it } from 'vitest';
import { order } from './fixtures.js';
import { hasShipment, trackingNumberFor } from './tracking.js';

describe('tracking numbers', () => {
  it('are MC plus the order number\'s letters and digits, within the carrier\'s 8 to 40 characters', () => {
    expect(trackingNumberFor(order('o1', 'ORD-1001'))).toBe('MCORD1001');
    expect(trackingNumberFor(order('o1', 'ord-7'))).toBe('MC00ORD7');
    expect(trackingNumberFor(order('o1', 'A'.repeat(60)))).toHaveLength(40);
  });

  it('exist once an order has shipped', () => {
    expect(['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'].filter((s) => hasShipment({ orderStatus: s as never })))
      .toEqual(['SHIPPED', 'DELIVERED', 'RETURNED']);
  });
});
