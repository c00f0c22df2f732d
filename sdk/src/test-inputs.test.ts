import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectDeclaredInput } from './test-inputs.js';
import { tempPluginProject } from './test-project.js';
import { createTestHarness, HarnessError, type TestHarness } from './testing.js';

const SOURCE = `
import { definePlugin, graphql } from '@mosaic/sdk';
export default definePlugin({
  manifest: { id: 'acme.eta', version: '1.0.0', name: 'Eta', publisher: 'acme', description: 'Declares its input.', scopes: ['orders:read'] },
  schema: 'extend type Order { acme_eta_days: Int }',
  inputs: { Order: { acme_eta_days: graphql(\`fragment EtaInput on Order { orderNumber lines { quantity } }\`) } },
  resolvers: {
    Order: { acme_eta_days: async (orders) => orders.map((o) => o.lines.reduce((sum, l) => sum + l.quantity, 0) + Object.keys(o).length) },
  },
});
`;

const order = (number: string, quantities: number[]) => ({
  id: `order-${number}`, orderNumber: number, orderStatus: 'PAID', currency: 'EUR', placedAt: '2026-01-01T00:00:00.000Z',
  total: { amount: '1.00', currency: 'EUR' }, totalCents: 100, customer: { id: 'customer-1' },
  lines: quantities.map((quantity, i) => ({ sku: `S${i}`, name: 'Thing', quantity, unitPrice: { amount: '1.00', currency: 'EUR' } })),
});

describe('declared inputs in the harness', () => {
  let project: Awaited<ReturnType<typeof tempPluginProject>>;
  let harness: TestHarness;
  beforeAll(async () => {
    project = await tempPluginProject(SOURCE);
    harness = await createTestHarness(project.dir);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    await project?.remove();
  });

  it('sends the isolate exactly the declared fields, and records them', async () => {
    expect(harness.manifest.inputs).toEqual({ 'Order.acme_eta_days': 'fragment EtaInput on Order {\n  orderNumber\n  lines {\n    quantity\n  }\n}' });
    // quantities summed, plus the number of keys each parent arrived with (2: orderNumber, lines)
    expect(await harness.resolve('Order.acme_eta_days', [order('A-1', [1, 2]), order('A-2', [5])])).toEqual([5, 7]);
    expect(harness.invocations.at(-1)?.parents).toStrictEqual([
      { orderNumber: 'A-1', lines: [{ quantity: 1 }, { quantity: 2 }] },
      { orderNumber: 'A-2', lines: [{ quantity: 5 }] },
    ]);
  });

  it('says which declared field a test\'s parent lacks', async () => {
    await expect(harness.resolve('Order.acme_eta_days', [{ orderNumber: 'A-3' }])).rejects.toThrow(
      new HarnessError('parents[0] has no lines, which the input of Order.acme_eta_days selects; give the test\'s parent that field'),
    );
  });
});

describe('projectDeclaredInput', () => {
  it('follows aliases, spreads and inline fragments, and keeps nulls', () => {
    const text = 'fragment A on Order { n: orderNumber ...B customer { ... on Customer { name } } } fragment B on Order { orderStatus }';
    expect(projectDeclaredInput('Order.x', text, [{ orderNumber: '1', orderStatus: 'PAID', customer: null, extra: 1 }]))
      .toStrictEqual([{ n: '1', orderStatus: 'PAID', customer: null }]);
  });

  it('leaves out an @optional field the test\'s parent lacks, and sends it where present', () => {
    const text = 'fragment A on Order { orderNumber other_carrier_eta @optional }';
    expect(projectDeclaredInput('Order.x', text, [{ orderNumber: '1' }, { orderNumber: '2', other_carrier_eta: 3 }]))
      .toStrictEqual([{ orderNumber: '1' }, { orderNumber: '2', other_carrier_eta: 3 }]);
    expect(() => projectDeclaredInput('Order.x', 'fragment A on Order { orderNumber other_carrier_eta }', [{ orderNumber: '1' }]))
      .toThrow('parents[0] has no other_carrier_eta');
  });
});
