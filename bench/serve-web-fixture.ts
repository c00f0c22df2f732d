/**
 * The server side of `web` (web.ts), run as its own process by lib.ts `startFixture`: a real
 * platform and HTTP server over a temp data dir with
 *
 * - two tenants seeded alike (one customer with an address, 50 orders, cases and a timeline; an
 *   agent web user), tenant A with the `sidebar-widgets` fixture plugin
 *   (core/src/plugins/testing/fixtures) built with the real SDK build, published and installed
 *   through the admin GraphQL API, tenant B without it; the agent of each signed in once through
 *   the console's real sign-in form, its session cookie handed to the parent;
 * - a third tenant with 50 000 public knowledge articles (knowledge-seed.ts), inserted in one transaction as
 *   multi-row INSERTs (the FTS index filled by its triggers), for the portal's search page.
 *
 * Prints one JSON line once ready, then serves until its stdin closes (or SIGTERM/SIGINT).
 */
import { createStaffUser, domain } from '@mosaic/core';
// Not part of core's public face; bench is private tooling, so it reaches into core's source.
import { createPublisher } from '../core/src/plugins/registry/index.js';
import { localId } from '../core/src/lib/ids.js';
import { WebVisitor } from '../core/src/web/testing/web-visitor.js';
import { widgetDomId } from '../core/src/web/widgets/index.js';
import { publishAndInstall } from './admin-api.js';
import { adminTenant, emit, serveBenchPlatformInTempDir, serveUntilStopped } from './fixture-process.js';
import { COMMON, RARE, seedKnowledgeArticles } from './knowledge-seed.js';
import { envNumber } from './lib.js';

/** One tenant's console: the customer 360 page and the agent's session cookie. */
export interface ConsoleTenant {
  slug: string;
  pageUrl: string;
  /** The `cookie` header of the signed-in agent. */
  cookie: string;
}

export interface KnowledgeSearch {
  word: string;
  url: string;
  /** Published articles the word (as a prefix, as the page searches) matches, counted in SQL. */
  matches: number;
  /** Hits the page shows: min(matches, the page's 20). */
  hits: number;
}

export interface WebFixture {
  customerName: string;
  orders: number;
  withWidgets: ConsoleTenant & {
    /** Each widget's DOM id and the line it must show (computed here from the seeded data). */
    widgets: { id: string; domId: string; marker: string }[];
  };
  withoutWidgets: ConsoleTenant;
  knowledge: { articles: number; seedMs: number; common: KnowledgeSearch; rare: KnowledgeSearch };
}

const ORDERS = 50;
const STATUSES = ['SHIPPED', 'DELIVERED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'PENDING', 'RETURNED'] as const;
const PLUGIN_ID = 'acme.sidebar-widgets';
const AGENT = { email: 'agent@example.com', password: 'bench agent password 1', name: 'Bench Agent' };
const CUSTOMER = {
  name: 'Ada Lovelace', email: 'ada@example.com', phone: '+33612345678',
  address: { line1: '12 Rue de Rivoli', city: 'Paris', postalCode: '75004', country: 'FR' },
};
/** The newest orders the recent-orders and delivery-map widgets read (their `first`). */
const RECENT_ORDERS = 8;
const MAP_ORDERS = 20;

const { platform, server, graphqlUrl, cleanups } = await serveBenchPlatformInTempDir('mosaic-bench-web-');
const adminContext = (slug: string) => adminTenant(platform, slug);

/** The customer, 50 orders (1–2 lines each, over 50 days), 4 cases and 24 interactions; and an agent. */
async function seedConsoleTenant(slug: string) {
  const { ctx, apiKey } = await adminContext(slug);
  const customer = await domain.customers.createCustomer(ctx, CUSTOMER);
  const orders = [];
  for (let i = 0; i < ORDERS; i++) {
    orders.push(await domain.orders.createOrder(ctx, {
      customerId: customer.id,
      number: `ORD-${String(i + 1).padStart(6, '0')}`,
      currency: 'EUR',
      status: STATUSES[i % STATUSES.length],
      placedAt: new Date(Date.UTC(2026, 9, 1) + i * 86_400_000),
      lines: [
        { sku: `SKU-${i % 7}`, name: `Widget ${i % 7}`, quantity: 1 + (i % 3), unitPriceCents: 1_999 + 100 * (i % 5) },
        ...(i % 2 ? [{ sku: 'SKU-GIFT', name: 'Gift wrap', quantity: 1, unitPriceCents: 499 }] : []),
      ],
    }));
  }
  const subjects = ['Parcel never arrived', 'Refund for a returned order', 'Wrong size delivered', 'Change of delivery address'];
  for (const [k, subject] of subjects.entries()) {
    const kase = await domain.cases.createCase(ctx, { customerId: customer.id, subject, channel: 'EMAIL' });
    for (let j = 0; j < 6; j++) {
      await domain.interactions.addInteraction(ctx, {
        customerId: customer.id, caseId: kase.id, channel: j % 3 ? 'EMAIL' : 'CHAT', direction: j % 2 ? 'OUTBOUND' : 'INBOUND',
        subject: j ? `Re: ${subject}` : subject, body: `Message ${j + 1} about "${subject}": the details as the customer or the agent wrote them.`,
        occurredAt: new Date(Date.UTC(2026, 10, 1 + k * 6 + j, 9 + j)),
      });
    }
  }
  await createStaffUser(ctx.data, { id: 'bench', role: 'admin' }, { role: 'agent', ...AGENT });
  const identities = await domain.customers.customerIdentities(ctx, [customer.id]);
  return { ctx, apiKey, customer, orders, identities };
}

/** Signs the agent in through the console's form, as a browser without JavaScript would; answers the cookie header. */
async function signIn(slug: string): Promise<string> {
  const agent = new WebVisitor(server.url);
  const res = await agent.signIn(slug, 'console', AGENT.email, AGENT.password);
  if (res.status !== 303 || !agent.cookies.has('mosaic_session')) throw new Error(`${slug}: sign-in answered ${res.status} ${res.html.slice(0, 300)}`);
  return agent.cookieHeader();
}

// --- the console: A with the widgets, B without -------------------------------------------------

const a = await seedConsoleTenant('bench-widgets');
const b = await seedConsoleTenant('bench-plain');

const { publisher, privateKeyPem } = await createPublisher(platform.control.db, { handle: 'acme' });
const installationId = localId('PluginInstallation', await publishAndInstall(graphqlUrl, a.apiKey, { id: publisher.id, privateKeyPem }, {
  fixture: 'sidebar-widgets', pluginId: PLUGIN_ID, version: '1.0.0', grantScopes: ['customers:read', 'orders:read'],
}));

// What each widget must show, from the data seeded above (the widgets compute it from what they read).
const newestFirst = [...a.orders].sort((x, y) => y.placedAt.getTime() - x.placedAt.getTime());
const kept = a.orders.filter((o) => o.status !== 'CANCELLED' && o.status !== 'RETURNED');
const spent = kept.reduce((sum, o) => sum + o.totalCents, 0);
const underway = newestFirst.slice(0, MAP_ORDERS).filter((o) => o.status === 'SHIPPED').length;
const markers: Record<string, string> = {
  profile: `[profile] ${CUSTOMER.name}, ${a.identities.length} identities`,
  'recent-orders': `[recent-orders] ${Math.min(RECENT_ORDERS, ORDERS)} shown${ORDERS > RECENT_ORDERS ? ', more available' : ''}`,
  'lifetime-value': `[lifetime-value] ${ORDERS} orders, EUR ${(spent / 100).toFixed(2)} spent`,
  'delivery-map': `[delivery-map] ${CUSTOMER.address.city}, ${underway} underway`,
};

const consoleTenant = async (slug: string, customerId: string): Promise<ConsoleTenant> => ({
  slug, pageUrl: `${server.url}/t/${slug}/console/customers/${customerId}`, cookie: await signIn(slug),
});

// --- the knowledge base ---------------------------------------------------------------------------

const ARTICLES = envNumber('BENCH_WEB_ARTICLES', 50_000);

/** 50 000 public articles in one write transaction (knowledge-seed.ts); the FTS index is filled by its insert trigger. */
async function seedKnowledge(): Promise<Pick<WebFixture['knowledge'], 'articles' | 'seedMs'> & { slug: string; matches: (word: string) => Promise<number> }> {
  const { ctx } = await adminContext('bench-kb');
  const { seedMs, matches } = await seedKnowledgeArticles(ctx.data, ARTICLES);
  return { slug: 'bench-kb', articles: ARTICLES, seedMs, matches };
}

const kb = await seedKnowledge();
const PAGE_HITS = 20;
const search = async (word: string): Promise<KnowledgeSearch> => {
  const matches = await kb.matches(word);
  return { word, url: `${server.url}/t/${kb.slug}/portal/knowledge?q=${encodeURIComponent(word)}`, matches, hits: Math.min(matches, PAGE_HITS) };
};

emit<WebFixture>({
  customerName: CUSTOMER.name,
  orders: ORDERS,
  withWidgets: {
    ...(await consoleTenant('bench-widgets', a.customer.id)),
    widgets: Object.entries(markers).map(([id, marker]) => ({ id, domId: widgetDomId(installationId, id), marker })),
  },
  withoutWidgets: await consoleTenant('bench-plain', b.customer.id),
  knowledge: { articles: kb.articles, seedMs: kb.seedMs, common: await search(COMMON), rare: await search(RARE) },
});

serveUntilStopped(cleanups);
