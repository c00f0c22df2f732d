import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkManifestInputs, INPUT_LIMITS, missingInputScopes, readDeclaredInput } from './input-rules.js';
import { coreSchema, pluginSchema } from './sdl.js';

const read = (coordinate: string, text: string, prefix?: string) =>
  readDeclaredInput(coreSchema(), coordinate, text, prefix ? { deferForeignFields: { ownFieldPrefix: prefix } } : {});
const problemsOf = (coordinate: string, text: string, prefix?: string) => {
  const reading = read(coordinate, text, prefix);
  return reading.ok ? [] : reading.problems;
};

describe('readDeclaredInput', () => {
  it('accepts a fragment on the field\'s type and says what it needs', () => {
    const reading = read('Order.acme_x_eta', 'fragment EtaInput on Order { orderNumber lines { sku unitPrice { amount } } customer { name } }');
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.input.fragmentName).toBe('EtaInput');
    expect(reading.input.scopes.sort()).toEqual(['customers:read', 'orders:read']);
    expect(reading.input.pluginFields).toEqual([]);
  });

  it('names an unknown field', () => {
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { orderNumber shippingEta }'))
      .toEqual(['inputs.Order.acme_x_eta: Cannot query field "shippingEta" on type "Order".']);
  });

  it('refuses what is not one fragment on the field\'s type, variables, syntax', () => {
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Customer { name }')[0]).toContain('the first fragment must be on Order');
    expect(problemsOf('Order.acme_x_eta', '{ customers { totalCount } }')[0]).toContain('must be fragments only');
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { customer { orders(first: $n) { totalCount } } }')[0]).toContain('must not use variables');
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { orderNumber')[0]).toContain('Syntax Error');
    expect(problemsOf('Interaction.acme_x_tone', 'fragment A on Interaction { body }')[0]).toContain('Interaction is none of them');
  });

  it('holds the size, depth and field-count limits', () => {
    expect(problemsOf('Order.acme_x_eta', `fragment A on Order { orderNumber ${' '.repeat(INPUT_LIMITS.maxChars)} }`)[0]).toContain('characters, over the 8192');
    const deep = 'fragment A on Order { customer { orders(first: 1) { edges { node { customer { orders(first: 1) { totalCount } } } } } } }';
    expect(problemsOf('Order.acme_x_eta', deep)[0]).toContain('nested deeper than 6 levels');
    const wide = Array.from({ length: INPUT_LIMITS.maxFields + 1 }, (_, i) => `f${i}: orderNumber`).join(' ');
    expect(problemsOf('Order.acme_x_eta', `fragment A on Order { ${wide} }`)[0]).toContain('more than 64 fields');
  });

  it('refuses entities no scope covers, and introspection', () => {
    expect(problemsOf('Case.acme_x_tone', 'fragment A on Case { interactions(first: 5) { edges { node { body } } } }')[0])
      .toContain('Interaction has no plugin scope');
    expect(problemsOf('Case.acme_x_tone', 'fragment A on Case { assignee { name } }')[0]).toContain('Agent has no plugin scope');
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { __type(name: "Order") { name } }')[0]).toBeDefined();
  });

  it('lets accounts:read select a customer\'s Account, and an Account field declare its input', () => {
    const reading = read('Customer.acme_x_region', 'fragment A on Customer { name account { name domain tier } }');
    expect(reading.ok && reading.input.scopes.sort()).toEqual(['accounts:read', 'customers:read']);
    if (!reading.ok) return;
    expect(missingInputScopes(reading.input, ['customers:read'])).toEqual([
      "inputs.Customer.acme_x_region: the selection reads data the 'accounts:read' scope covers, which the plugin was not granted",
    ]);
    const viaOrder = read('Order.acme_x_eta', 'fragment A on Order { customer { account { name } } }');
    expect(viaOrder.ok && viaOrder.input.scopes.sort()).toEqual(['accounts:read', 'customers:read', 'orders:read']);
    const onAccount = read('Account.acme_x_size', 'fragment A on Account { name address { city country } }');
    expect(onAccount.ok && onAccount.input.scopes).toEqual(['accounts:read']);
    expect(problemsOf('Interaction.acme_x_tone', 'fragment A on Interaction { body }')[0]).toContain('Interaction is none of them');
  });

  it('follows spread fragments for scopes', () => {
    const reading = read('Case.acme_x_tone', 'fragment A on Case { subject customer { ...Who } } fragment Who on Customer { name email }');
    expect(reading.ok && reading.input.scopes.sort()).toEqual(['cases:read', 'customers:read']);
  });

  it('leaves another plugin\'s fields to the installer at build, never its own unknown ones', () => {
    const reading = read('Order.acme_x_eta', 'fragment A on Order { orderNumber other_carrier_eta { days } }', 'acme_x_');
    expect(reading.ok && reading.input.pluginFields).toEqual(['Order.other_carrier_eta']);
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { acme_x_missing }', 'acme_x_')[0]).toContain('Cannot query field "acme_x_missing"');
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { other_carrier_eta }')[0]).toContain('Cannot query field "other_carrier_eta"');
  });

  it('records plugin fields the composed schema has, without a scope for them', () => {
    const schema = pluginSchema('type Other_Carrier_Eta { days: Int } extend type Order { other_carrier_eta: Other_Carrier_Eta }');
    const reading = readDeclaredInput(schema, 'Order.acme_x_eta', 'fragment A on Order { other_carrier_eta { days } }');
    expect(reading.ok && reading.input).toMatchObject({ pluginFields: ['Order.other_carrier_eta', 'Other_Carrier_Eta.days'], scopes: ['orders:read'] });
  });
});

describe('@optional fields', () => {
  const selection = 'fragment A on Order { orderNumber other_carrier_eta @optional { days } }';

  it('drops an optional field the schema lacks, so the input works without that plugin', () => {
    const reading = read('Order.acme_x_eta', selection);
    expect(reading.ok && print(reading.input.document)).toBe('fragment A on Order {\n  orderNumber\n}');
    expect(reading.ok && reading.input.pluginFields).toEqual([]);
  });

  it('keeps it, without the directive, where the schema has it', () => {
    const schema = pluginSchema('type Other_Carrier_Eta { days: Int } extend type Order { other_carrier_eta: Other_Carrier_Eta }');
    const reading = readDeclaredInput(schema, 'Order.acme_x_eta', selection);
    expect(reading.ok && print(reading.input.document)).toBe('fragment A on Order {\n  orderNumber\n  other_carrier_eta {\n    days\n  }\n}');
    expect(reading.ok && reading.input.pluginFields).toEqual(['Order.other_carrier_eta', 'Other_Carrier_Eta.days']);
  });

  it('still names an unknown field that is not marked optional', () => {
    expect(problemsOf('Order.acme_x_eta', 'fragment A on Order { orderNumber @optional other_carrier_eta }')[0]).toContain('Cannot query field "other_carrier_eta"');
  });
});

describe('missingInputScopes', () => {
  it('names each scope the grant lacks', () => {
    const reading = read('Order.acme_x_eta', 'fragment A on Order { customer { email } }');
    if (!reading.ok) throw new Error(reading.problems.join());
    expect(missingInputScopes(reading.input, ['orders:read'])).toEqual([
      "inputs.Order.acme_x_eta: the selection reads data the 'customers:read' scope covers, which the plugin was not granted",
    ]);
    expect(missingInputScopes(reading.input, ['orders:read', 'customers:read'])).toEqual([]);
  });
});

describe('checkManifestInputs', () => {
  const base = { id: 'acme.x', scopes: ['orders:read'], schema: 'extend type Order { acme_x_eta: Int acme_x_whole: Int }' };

  it('checks inputs against requested scopes and warns about whole parents', () => {
    const result = checkManifestInputs({
      ...base,
      resolvers: ['Order.acme_x_eta', 'Order.acme_x_whole'],
      inputs: { 'Order.acme_x_eta': 'fragment A on Order { orderNumber customer { name } }' },
    });
    expect(result.problems).toEqual([
      "inputs.Order.acme_x_eta: the selection reads data the 'customers:read' scope covers, which the manifest does not request (add it to manifest.scopes)",
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^resolvers\.Order\.acme_x_whole declares no input, so it receives whole Order parents/);
  });

  it('warns only where an input could be declared', () => {
    const result = checkManifestInputs({
      id: 'acme.x', scopes: [], schema: 'extend type Interaction { acme_x_tone: String }', resolvers: ['Interaction.acme_x_tone'], inputs: {},
    });
    expect(result).toEqual({ problems: [], warnings: [] });
  });

  it('refuses an input for a field the plugin does not resolve', () => {
    const result = checkManifestInputs({ ...base, resolvers: ['Order.acme_x_eta', 'Order.acme_x_whole'], inputs: { 'Order.acme_x_other': 'fragment A on Order { id }' } });
    expect(result.problems).toEqual(['inputs.Order.acme_x_other: the plugin has no resolver for Order.acme_x_other']);
  });
});
