/**
 * The server side of `plugins` (plugins-query.ts), run as its own process by lib.ts
 * `startFixture`: a real platform and HTTP server over a temp data dir with one tenant, one
 * customer with 50 orders, and the `order-badge` fixture plugin (core/src/plugins/testing/fixtures)
 * built with the real SDK build, published and installed through the admin GraphQL API — the
 * same path an ISV's plugin takes — a second tenant with the same orders and the fixture's
 * field declaring its input, and a third where that field also declares resultCache. Prints one JSON line once it listens, then serves until its
 * stdin closes (or SIGTERM/SIGINT), and cleans up.
 *
 * The plugin's sandbox worker is a child of this process (MOSAIC_SANDBOX_WORKERS, default 1).
 */
import { domain, toGlobalId } from '@mosaic/core';
// Not part of core's public face; bench is private tooling, so it reaches into core's source.
import { createPublisher } from '../core/src/plugins/registry/index.js';
import { publishAndInstall } from './admin-api.js';
import { FIXTURE, PLUGIN_ID, declareBadgeInput, declareBadgeInputKept } from './plugins-common.js';
import { adminTenant, emit, serveBenchPlatformInTempDir, serveUntilStopped } from './fixture-process.js';

/** One tenant's half of the fixture: its admin key and the customer whose 50 orders are queried. */
export interface QueryTenant {
  apiKey: string;
  customerId: string;
}

export interface PluginQueryFixture {
  graphqlUrl: string;
  orders: number;
  /** Has the fixture as built (its field takes whole SDL-shaped orders). */
  wholeParents: QueryTenant;
  /** The same orders; has the fixture with the field's input declared (`orderNumber orderStatus`). */
  declaredInput: QueryTenant;
  /** The same orders; the declared input, and the field's result kept for 60 s (`resultCache`). */
  keptResults: QueryTenant;
}

const ORDERS = 50;
const STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'] as const;
/** A tenant installs one version of a plugin, so each variant of the fixture gets a tenant of its own. */
const WHOLE_PARENTS_VERSION = '1.0.0';
const DECLARED_INPUT_VERSION = '1.1.0';
const KEPT_RESULTS_VERSION = '1.2.0';

const { platform, graphqlUrl, cleanups } = await serveBenchPlatformInTempDir('mosaic-bench-plugins-');

/** A tenant with one customer and the same 50 orders every time (1–2 lines each). */
async function seededTenant(slug: string): Promise<QueryTenant> {
  const { apiKey, ctx } = await adminTenant(platform, slug);
  const customer = await domain.customers.createCustomer(ctx, { name: 'Ada Lovelace', email: 'ada@example.com' });
  for (let i = 0; i < ORDERS; i++) {
    await domain.orders.createOrder(ctx, {
      customerId: customer.id,
      number: `ORD-${String(i + 1).padStart(6, '0')}`,
      currency: 'EUR',
      status: STATUSES[i % STATUSES.length],
      placedAt: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000),
      lines: [
        { sku: `SKU-${i % 7}`, name: `Widget ${i % 7}`, quantity: 1 + (i % 3), unitPriceCents: 1_999 },
        ...(i % 2 ? [{ sku: 'SKU-GIFT', name: 'Gift wrap', quantity: 1, unitPriceCents: 499 }] : []),
      ],
    });
  }
  return { apiKey, customerId: toGlobalId('Customer', customer.id) };
}

const wholeParents = await seededTenant('bench');
const declaredInput = await seededTenant('bench-declared');
const keptResults = await seededTenant('bench-kept');
const { publisher, privateKeyPem } = await createPublisher(platform.control.db, { handle: 'acme' });
const variants = [
  { tenant: wholeParents, version: WHOLE_PARENTS_VERSION, edit: undefined, grantScopes: [] },
  { tenant: declaredInput, version: DECLARED_INPUT_VERSION, edit: declareBadgeInput, grantScopes: ['orders:read'] },
  { tenant: keptResults, version: KEPT_RESULTS_VERSION, edit: declareBadgeInputKept, grantScopes: ['orders:read'] },
];
// Publish and install exactly as the plugin-fields test does: through the admin API.
for (const { tenant, version, edit, grantScopes } of variants) {
  await publishAndInstall(graphqlUrl, tenant.apiKey, { id: publisher.id, privateKeyPem }, { fixture: FIXTURE, pluginId: PLUGIN_ID, version, edit, grantScopes });
}

emit<PluginQueryFixture>({ graphqlUrl, orders: ORDERS, wholeParents, declaredInput, keptResults });

serveUntilStopped(cleanups);
