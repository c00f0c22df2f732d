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
    ['an egress URL instead of a host', { egress: ['https://api.carrier.example'] }, 'manifest.egress[0]: must be a lowercase hostname'],
    ['an egress IP address', { egress: ['10.0.0.1'] }, 'manifest.egress[0]: must be a lowercase hostname'],
    ['an egress wildcard on a TLD', { egress: ['*.com'] }, 'manifest.egress[0]: a wildcard must sit under a registrable domain'],
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

  it('reports every problem at once, one line each', () => {
    const issues = problems({ id: 'nope', version: 'x', scopes: ['root'] });
    expect(issues).toHaveLength(3);
    expect(() => parseManifest({ ...valid, id: 'nope' })).toThrow(/^Invalid plugin manifest:\n {2}manifest\.id: /);
  });
});
