import { describe, expect, it } from 'vitest';
import { pluginNamespace } from './namespace.js';
import { checkPluginSdl } from './sdl.js';

const ID = 'acme.shipment-tracking';

describe('plugin namespaces', () => {
  it('derives GraphQL prefixes from the plugin id', () => {
    expect(pluginNamespace(ID)).toEqual({ field: 'acme_shipmentTracking_', type: 'Acme_ShipmentTracking_' });
  });

  it('gives ids that look alike different prefixes', () => {
    const ids = ['acme.shipment-tracking', 'acme-shipment.tracking', 'acme.shipmenttracking', 'acme.shipment-tracking-x'];
    expect(new Set(ids.map((id) => pluginNamespace(id).field)).size).toBe(ids.length);
    expect(new Set(ids.map((id) => pluginNamespace(id).type)).size).toBe(ids.length);
  });
});

describe('plugin SDL', () => {
  const sdl = `
    type Acme_ShipmentTracking_Tracking { carrier: String! events: [Acme_ShipmentTracking_Event!]! }
    type Acme_ShipmentTracking_Event { at: DateTime! status: String! }
    enum Acme_ShipmentTracking_Speed { STANDARD EXPRESS }
    extend type Order { acme_shipmentTracking_tracking: Acme_ShipmentTracking_Tracking }
    extend type Query { acme_shipmentTracking_carriers: [String!]! }
  `;
  const resolvers = ['Order.acme_shipmentTracking_tracking', 'Query.acme_shipmentTracking_carriers'];

  it('accepts namespaced types and fields that compose with core', () => {
    expect(checkPluginSdl(sdl, ID, resolvers)).toEqual([]);
    expect(checkPluginSdl(sdl, ID, [...resolvers, 'Acme_ShipmentTracking_Tracking.events'])).toEqual([]);
  });

  it('refuses a non-null Mutation field in a new version, and still composes one published before the rule', () => {
    const mutations = `extend type Mutation {
      acme_shipmentTracking_ship(orderId: ID!): String!
      acme_shipmentTracking_cancel(orderId: ID!): String
    }`;
    const mutationResolvers = ['Mutation.acme_shipmentTracking_ship', 'Mutation.acme_shipmentTracking_cancel'];
    expect(checkPluginSdl(mutations, ID, mutationResolvers)).toEqual([
      "schema: Mutation.acme_shipmentTracking_ship: a mutation field must be nullable (drop the trailing !), so that its failure never discards the other mutations' results",
    ]);
    expect(checkPluginSdl(mutations, ID, mutationResolvers, { newVersion: false })).toEqual([]);
    // Only Mutation's own fields: the plugin's payload types may hold non-null fields.
    expect(checkPluginSdl(`type Acme_ShipmentTracking_Shipped { id: ID! }
      extend type Mutation { acme_shipmentTracking_ship: Acme_ShipmentTracking_Shipped }`, ID, ['Mutation.acme_shipmentTracking_ship'])).toEqual([]);
  });

  it.each([
    ['a syntax error', 'extend type Order {', /^schema: Syntax Error/],
    ['a field outside the namespace', 'extend type Order { tracking: String }', 'schema: Order.tracking: fields added to core types must start with acme_shipmentTracking_'],
    ['a type outside the namespace', 'type Tracking { id: ID! }', "schema: Tracking: the plugin's types must start with Acme_ShipmentTracking_"],
    ['another plugin\'s namespace', 'type Globex_Maps_Pin { id: ID! }', "schema: Globex_Maps_Pin: the plugin's types must start with Acme_ShipmentTracking_"],
    ['extending a core enum', 'extend enum OrderStatus { LOST }', 'schema: EnumTypeExtension: a plugin schema may only define types and extend object types'],
    ['a directive', 'directive @acme on FIELD_DEFINITION', 'schema: DirectiveDefinition: a plugin schema may only define types and extend object types'],
    ['extending a type core does not have', 'extend type Shipment { acme_shipmentTracking_x: String }', "schema: extend type Shipment: only core object types and the plugin's own types (Acme_ShipmentTracking_*) can be extended"],
    ['a field defined twice', 'extend type Order { acme_shipmentTracking_x: String } extend type Order { acme_shipmentTracking_x: Int }', /^schema: Field "Order\.acme_shipmentTracking_x" can only be defined once/],
    ['an unknown type', 'extend type Order { acme_shipmentTracking_x: Acme_ShipmentTracking_Missing }', /^schema: Unknown type "Acme_ShipmentTracking_Missing"/],
  ])('rejects %s', (_, sdlText, message) => {
    const problems = checkPluginSdl(sdlText, ID, ['Order.acme_shipmentTracking_x']);
    expect(problems[0]).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  });

  it('pairs fields added to core types with resolvers, both ways', () => {
    expect(checkPluginSdl(sdl, ID, ['Order.acme_shipmentTracking_tracking', 'Order.number', 'Customer.acme_shipmentTracking_nope'])).toEqual([
      'schema: Query.acme_shipmentTracking_carriers has no resolver',
      "resolvers: Order.number is not a field the plugin's schema adds",
      "resolvers: Customer.acme_shipmentTracking_nope is not a field the plugin's schema adds",
    ]);
    expect(checkPluginSdl(undefined, ID, ['Order.x'])).toEqual(["resolvers: Order.x is not a field the plugin's schema adds (it has no schema)"]);
  });
});
