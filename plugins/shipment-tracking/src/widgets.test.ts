import type { WidgetNode } from '@mosaic/sdk';
import { describe, expect, it } from 'vitest';
import { attached, customer, order, parcellyAnswer, parcellyUrl, SHIPFAST_TRACK, shipfastAnswers } from './fixtures.js';
import { useHarnesses } from './test-harness.js';

const harness = useHarnesses();

/** Every node of a tree, depth first. */
const nodes = (tree: WidgetNode | null): WidgetNode[] =>
  !tree ? [] : [tree, ...('children' in tree ? tree.children.flatMap(nodes) : [])];
const ofType = <T extends WidgetNode['type']>(tree: WidgetNode | null, type: T) =>
  nodes(tree).filter((n): n is Extract<WidgetNode, { type: T }> => n.type === type);

/** The customer as the card's input reads it: with the orders core would resolve. */
const withOrders = (orders: ReturnType<typeof order>[]) => ({ ...customer(), orders: { edges: orders.map((node) => ({ node })) } });

describe('widgets (trees validated as the host validates them)', () => {
  it('declares them at the portal order page and the console customer view', async () => {
    const h = await harness({});
    expect(h.manifest.widgets).toEqual([
      { id: 'where-is-my-order', extensionPoint: 'portal.order.detail', title: 'Where is my order?' },
      { id: 'shipments', extensionPoint: 'console.customer.sidebar', title: 'Shipments' },
    ]);
  });

  it('where is my order: status, expected day, a map of the route with its path, and the history newest first', async () => {
    const h = await harness({ fetch: { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'delayed', 'delayed') } });
    const tree = await h.renderWidget('where-is-my-order', { order: order(1) });

    expect(tree).toMatchObject({ type: 'card', title: 'Where is my order?' });
    expect(ofType(tree, 'badge')[0]).toEqual({ type: 'badge', text: 'Delayed', tone: 'warning' });
    expect(ofType(tree, 'text').map((t) => t.text)).toContainEqual(expect.stringMatching(/^Expected \w+day \d+ \w+ 20\d\d$/));
    const [map] = ofType(tree, 'map');
    expect(map!.markers.at(-1)).toMatchObject({ label: expect.stringContaining('(last seen)'), tone: 'warning' });
    expect(map!.polyline!.length).toBeGreaterThanOrEqual(2);
    const [timeline] = ofType(tree, 'timeline');
    const times = timeline!.items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(timeline!.items[0]!.title).toMatch(/^Delayed at/);
  });

  it('where is my order, carrier down: the last known state with the reason shown', async () => {
    const h = await harness({
      fetch: { [parcellyUrl('MCORD1001')]: { status: 503, json: { error: 'unavailable' } } },
      storage: { 'parcel:PARCELLY:MCORD1001': { checkedAt: '2030-01-07T08:00:00.000Z', parcel: { carrier: 'PARCELLY', trackingNumber: 'MCORD1001', status: 'IN_TRANSIT', eta: '2030-01-09T12:00:00.000Z', deliveredAt: null, lastLocation: null, events: [] } } },
    });
    const tree = await h.renderWidget('where-is-my-order', { order: order(1) });
    expect(ofType(tree, 'badge')[0]!.text).toBe('In transit');
    expect(ofType(tree, 'text')).toContainEqual(expect.objectContaining({ tone: 'warning', text: expect.stringContaining('not answering') }));
  });

  it('where is my order before shipping: a short note, no carrier call', async () => {
    const h = await harness({});
    const tree = await h.renderWidget('where-is-my-order', { order: order(1, { orderStatus: 'PAID' }) });
    expect(ofType(tree, 'text')[0]!.text).toContain('not shipped yet');
    expect(h.fetches).toHaveLength(0);
  });

  it('shipments card: the customer\'s parcels in a table, problems first, with a count of those needing attention', async () => {
    const orders = [order(1), order(2), order(3)];
    const h = await harness({
      data: { customers: [customer()], orders },
      storage: attached(orders[1]!, [{ carrier: 'SHIPFAST', trackingNumber: 'SF0000012345' }]),
      fetch: {
        [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'on-time', 10),
        [parcellyUrl('MCORD1003')]: parcellyAnswer('MCORD1003', 'delivered', 'delivered'),
        [SHIPFAST_TRACK]: shipfastAnswers({ SF0000012345: ['lost', 'lost'] }),
      },
    });
    const tree = await h.renderWidget('shipments', { customer: withOrders(orders) });
    // The card's input: the customer's orders as the host resolves them, no ctx.orders call.
    expect(h.invocations.at(-1)!.input).toEqual({ orders: { edges: orders.map((o) => ({ node: { id: o.id, orderNumber: o.orderNumber, orderStatus: o.orderStatus } })) } });
    const [table] = ofType(tree, 'table');
    expect(table!.columns).toEqual(['Order', 'Carrier', 'Tracking number', 'Status', 'Expected']);
    expect(table!.rows.map((r) => [r[0], r[3]])).toEqual([['ORD-1002', 'Lost'], ['ORD-1001', 'In transit'], ['ORD-1003', 'Delivered']]);
    expect(ofType(tree, 'badge')[0]).toMatchObject({ text: '1 needs attention' });
    expect(h.fetches.filter((f) => f.method === 'POST')).toHaveLength(1);
  });

  it('shipments card without shipped orders says so', async () => {
    const pending = order(1, { orderStatus: 'PENDING' });
    const h = await harness({ data: { customers: [customer()], orders: [pending] } });
    const tree = await h.renderWidget('shipments', { customer: withOrders([pending]) });
    expect(tree).toEqual({ type: 'card', title: 'Shipments', children: [{ type: 'text', text: 'No shipped orders.' }] });
  });
});
