/**
 * Subscriptions on a tenant's composed schema: a plugin's fields resolve on live payloads, and an
 * interaction a plugin writes through the host (`ctx.interactions.create`) is announced live once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveEvents } from '../../domain/live-events.js';
import { eventually } from '../../plugins/testing/eventually.js';
import type { Gql } from '../../plugins/testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from '../../plugins/testing/plugin-test-server.js';
import { openSse } from './sse-test-client.js';

describe('subscriptions on a tenant\'s schema with plugins', () => {
  let t: PluginTestServer;
  let agent: Gql;
  let customerId: string;

  beforeAll(async () => {
    t = await startPluginTestServer('live-plugins');
    ({ gql: agent } = await t.keyFor('agent'));
    expect((await t.publish('greeter')).errors).toBeUndefined();
    expect((await t.publish('announcer')).errors).toBeUndefined();
    for (const input of [
      `{ pluginId: "acme.greeter", version: "1.0.0", grantScopes: ["customers:read", "storage"], grantEgress: ["api.greetings.test"], config: { greeting: "Ahoy" } }`,
      `{ pluginId: "acme.announcer", version: "1.0.0", grantScopes: ["customers:read", "interactions:write", "storage"] }`,
    ]) {
      const installed = await t.admin(`mutation { installPlugin(input: ${input}) { installation { id } } }`);
      expect(installed.errors, JSON.stringify(installed.errors)).toBeUndefined();
    }
    customerId = (await t.admin(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`)).data.createCustomer.customer.id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('resolves plugin fields on payloads and streams a plugin\'s own write once per idempotency key', async () => {
    const live = await openSse(t.server.url, t.adminKey, `subscription($c: ID!) { timelineItemAdded(customerId: $c) {
      ... on Interaction { subject customer { name acme_greeter_greeting } } } }`, { c: customerId });
    try {
      expect(live.status).toBe(200);
      await eventually(async () => liveEvents.listenerCount(t.tenantId), (n) => n === 1);
      const note = `mutation($c: ID!) { acme_announcer_note(customerId: $c, key: "delay-1") }`;
      expect((await agent(note, { c: customerId })).data.acme_announcer_note).toMatch(/^ok /);
      const event = JSON.parse((await live.next(10_000)).data!);
      expect(event).toEqual({ data: { timelineItemAdded: {
        subject: 'Your parcel is delayed', customer: { name: 'Ada', acme_greeter_greeting: 'Ahoy, Ada!' },
      } } });
      // The same key again returns the first interaction without writing it: nothing new to announce.
      expect((await agent(note, { c: customerId })).data.acme_announcer_note).toMatch(/^ok /);
      expect(await live.quietFor(500)).toBe(true);
    } finally {
      live.close();
    }
    expect(await eventually(async () => liveEvents.listenerCount(t.tenantId), (n) => n === 0)).toBe(0);
  });
});
