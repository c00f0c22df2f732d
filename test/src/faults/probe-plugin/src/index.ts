import { definePlugin } from '@mosaic/sdk';

/**
 * The plugin the fault tests install: a storage write a client can acknowledge, a field that
 * stays busy long enough to be caught in flight, and an event handler whose effect is keyed by
 * the event id (so a redelivery after a crash writes nothing twice) and which counts its runs.
 */
export default definePlugin({
  manifest: {
    id: 'faults.probe',
    version: '1.0.0',
    name: 'Fault probe',
    publisher: 'faults',
    description: 'Writes storage on request, keeps the CPU busy on request, and greets new customers once each.',
    scopes: ['customers:read', 'interactions:write', 'storage'],
  },
  schema: /* GraphQL */ `
    extend type Query {
      "The value stored under key, or null."
      faults_probe_recall(key: String!): String
      "Keeps the plugin busy for ms milliseconds (at most 900), then answers done."
      faults_probe_busy(ms: Int!): String
    }
    extend type Mutation {
      "Stores value under key in the plugin's storage and answers the key."
      faults_probe_remember(key: String!, value: String!): String
    }
  `,
  resolvers: {
    Query: {
      faults_probe_recall: async (_parents, args, ctx) => [((await ctx.storage.get(String(args.key))) as string | null) ?? null],
      faults_probe_busy: async (_parents, args) => {
        const until = Date.now() + Math.min(Number(args.ms), 900);
        while (Date.now() < until) { /* busy on purpose: the call is in flight while the test acts */ }
        return ['done'];
      },
    },
    Mutation: {
      faults_probe_remember: async (_parents, args, ctx) => {
        await ctx.storage.set(String(args.key), String(args.value));
        return [String(args.key)];
      },
    },
  },
  events: {
    'customer.created': async (event, ctx) => {
      // The event id is the idempotency key: a second run after a crash writes no second greeting.
      await ctx.interactions.create({
        customerId: event.subjectId, channel: 'EMAIL', direction: 'OUTBOUND',
        subject: 'Welcome', body: `greeting for ${event.id}`, idempotencyKey: event.id,
      });
      const runs = Number((await ctx.storage.get(`runs:${event.id}`)) ?? 0);
      await ctx.storage.set(`runs:${event.id}`, runs + 1);
    },
  },
});
