import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from './manifest.js';

const valid = {
  id: 'acme.shipment-tracking',
  version: '1.2.0',
  name: 'Shipment tracking',
  publisher: 'acme',
  description: 'Shows where an order is.',
  scopes: ['orders:read', 'storage'],
  egress: ['api.carrier.example', '*.tracking.example'],
  secrets: [{ name: 'CARRIER_API_KEY', description: 'Key for the carrier API' }],
  webhooks: [{ name: 'carrier-update', secret: 'CARRIER_API_KEY' }],
  sdkApiVersion: 1,
  events: ['order.created', 'order.status_changed'],
  actions: ['refreshTracking'],
  resolvers: ['Order.acme_shipmentTracking_tracking'],
  widgets: [{ id: 'tracking', extensionPoint: 'portal.order.detail', title: 'Tracking' }],
  extensionPoints: ['portal.order.detail'],
  schema: 'extend type Order { acme_shipmentTracking_tracking: String }',
  configSchema: { type: 'object', properties: {} },
  bundle: { file: 'plugin.js', sha256: 'a'.repeat(64) },
};

/** The problems parseManifest reports for `valid` with `changes` applied. */
function problems(changes: Record<string, unknown>): string[] {
  try {
    parseManifest({ ...valid, ...changes });
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as ManifestError).issues;
  }
}

describe('plugin manifest', () => {
  it('accepts a complete manifest', () => {
    expect(parseManifest(valid)).toMatchObject({ id: 'acme.shipment-tracking', scopes: ['orders:read', 'storage'] });
  });

  it('fills in empty lists for what a plugin does not use', () => {
    const { scopes, egress, secrets, webhooks, ...minimal } = valid;
    expect(parseManifest(minimal)).toMatchObject({ scopes: [], egress: [], secrets: [], webhooks: [] });
  });

  it.each([
    ['an id without a publisher', { id: 'shipment-tracking' }, 'manifest.id: must be publisher.name'],
    ['an id in capitals', { id: 'Acme.Tracking' }, 'manifest.id: must be publisher.name'],
    ['an id with underscores', { id: 'acme.shipment_tracking' }, 'manifest.id: must be publisher.name'],
    ['a hyphen before a digit', { id: 'acme.tracking-2' }, 'manifest.id: must be publisher.name'],
    ['a publisher that is not the id prefix', { publisher: 'globex' }, 'manifest.publisher: must be the first part of the id ("acme")'],
    ['a version that is not semver', { version: '1.2' }, 'manifest.version: must be a semver version'],
    ['a version with a v prefix', { version: 'v1.2.0' }, 'manifest.version: must be a semver version'],
    ['an empty name', { name: ' ' }, 'manifest.name:'],
    ['an unknown scope', { scopes: ['customers:write'] }, 'manifest.scopes[0]: Invalid option'],
    ['a repeated scope', { scopes: ['storage', 'storage'] }, 'manifest.scopes: scopes must be unique'],
    ['an egress URL instead of a host', { egress: ['https://api.carrier.example'] }, "manifest.egress[0]: 'https://api.carrier.example' is not a valid bare host name"],
    ['an egress host with a port', { egress: ['api.carrier.example:8443'] }, 'manifest.egress[0]: '],
    ['an egress wildcard on a TLD', { egress: ['*.com'] }, "manifest.egress[0]: '*.com' is too broad"],
    ['an egress host with an underscore', { egress: ['api_carrier.example'] }, 'must be a hostname of letters, digits and hyphens'],
    ['the same egress host twice, once in capitals', { egress: ['api.carrier.example', 'API.Carrier.Example.'] }, 'manifest.egress: egress hosts must be unique'],
    ['a secret not in UPPER_SNAKE', { secrets: [{ name: 'apiKey', description: 'x' }] }, 'manifest.secrets[0].name: must be UPPER_SNAKE_CASE'],
    ['a secret without a description', { secrets: [{ name: 'API_KEY' }] }, 'manifest.secrets[0].description:'],
    ['a webhook naming an undeclared secret', { webhooks: [{ name: 'carrier-update', secret: 'OTHER_SECRET' }] },
      'manifest.webhooks[0].secret: names no secret declared in secrets ("OTHER_SECRET")'],
    ['an event type without a dot', { events: ['ordercreated'] }, 'manifest.events[0]: must be an event type such as order.created'],
    ['an unknown extension point', { widgets: [{ id: 'x', extensionPoint: 'portal.checkout', title: 'X' }] }, 'manifest.widgets[0].extensionPoint:'],
    ['extension points that disagree with the widgets', { extensionPoints: ['portal.home'] },
      "manifest.extensionPoints: must list exactly the widgets' extension points (portal.order.detail)"],
    ['an unknown key', { homepage: 'https://acme.example' }, 'manifest: Unrecognized key: "homepage"'],
    ['a config schema that is not an object', { configSchema: { type: 'string' } }, 'manifest.configSchema: must be a JSON Schema of type object'],
    ['a bundle hash that is not SHA-256', { bundle: { file: 'plugin.js', sha256: 'abc' } }, 'manifest.bundle.sha256: must be a hex SHA-256'],
  ])('rejects %s, saying where and why', (_, changes, message) => {
    expect(problems(changes)).toEqual([expect.stringContaining(message)]);
  });

  // WHATWG URL parsing turns each of these into an IP address; the admin must see that address.
  it.each([
    ['0x7f000001', '127.0.0.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['0x0', '0.0.0.0'],
    ['127.0.0.0x1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['%31%32%37.0.0.1', '127.0.0.1'],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
  ])('refuses the egress host %j, which is the IP address %s written another way', (entry, canonical) => {
    expect(problems({ egress: ['api.carrier.example', entry] })).toEqual([
      `manifest.egress[1]: '${entry}' is the IP address ${canonical} written another way; write an IP address in its canonical form, ${canonical}`,
    ]);
  });

  it('refuses a wildcard over a disguised IP address, naming the address', () => {
    expect(problems({ egress: ['*.0x7f000001'] })).toEqual([
      "manifest.egress[0]: '*.0x7f000001' is not a wildcard over a host name: '0x7f000001' is the IP address 127.0.0.1 written another way; write an IP address in its canonical form, 127.0.0.1",
    ]);
  });

  it.each([['exa%2emple.com', 'exa.mple.com'], ['ｅｘａｍｐｌｅ。com', 'example.com'], ['exa\u00admple.com', 'example.com']])(
    'refuses the egress host %j, which a URL parser reshapes into %s',
    (entry, canonical) => {
      expect(problems({ egress: [entry] })).toEqual([expect.stringContaining(`changes when parsed as a URL host (it becomes '${canonical}')`)]);
    },
  );

  it('keeps egress hosts in canonical form: lower case, no trailing dot, punycode, IP addresses as written canonically', () => {
    const egress = ['API.Carrier.Example.', 'Bücher.example', '*.Tracking.example', '203.0.113.7', '[::1]'];
    expect(parseManifest({ ...valid, egress }).egress).toEqual(['api.carrier.example', 'xn--bcher-kva.example', '*.tracking.example', '203.0.113.7', '[::1]']);
  });

  it('reports every problem at once, one line each', () => {
    const issues = problems({ id: 'nope', version: 'x', scopes: ['root'] });
    expect(issues).toHaveLength(3);
    expect(() => parseManifest({ ...valid, id: 'nope' })).toThrow(/^Invalid plugin manifest:\n {2}manifest\.id: /);
  });
});
