/**
 * The server side of `web` (web.ts), run as its own process by lib.ts `startFixture`: a real
 * platform and HTTP server over a temp data dir with
 *
 * - two tenants seeded alike (one customer with an address, 50 orders, cases and a timeline; an
 *   agent web user), tenant A with the `sidebar-widgets` fixture plugin
 *   (core/src/plugins/testing/fixtures) built with the real SDK build, published and installed
 *   through the admin GraphQL API, tenant B without it; the agent of each signed in once through
 *   the console's real sign-in form, its session cookie handed to the parent;
 * - a third tenant with 50 000 published knowledge articles, inserted in one transaction as
 *   multi-row INSERTs (the FTS index filled by its triggers), for the portal's search page.
 *
 * Prints one JSON line once ready, then serves until its stdin closes (or SIGTERM/SIGINT).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaffUser, createTenant, domain, tenantContext, type TenantContext } from '@mosaic/core';
// Not part of core's public face; bench is private tooling, so it reaches into core's source.
import { createPublisher } from '../core/src/plugins/registry/index.js';
import { BatchWriter } from '../core/src/seed/sql-writer.js';
import { localId, newId } from '../core/src/lib/ids.js';
import { widgetDomId } from '../core/src/web/widgets/index.js';
import { publishAndInstall } from './admin-api.js';
import { emit, serveBenchPlatform, serveUntilStopped } from './fixture-process.js';
import { envNumber, prng } from './lib.js';

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

const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-bench-web-'));
const { platform, server } = await serveBenchPlatform(dataDir);
const cleanups: (() => Promise<void> | void)[] = [
  () => server.close(),
  () => platform.close(),
  () => rmSync(dataDir, { recursive: true, force: true }),
];
const graphqlUrl = `${server.url}/graphql`;

async function adminContext(slug: string): Promise<{ ctx: TenantContext; apiKey: string }> {
  const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug });
  const principal = await platform.keys.verify(apiKey);
  if (!principal) throw new Error('the new admin key does not verify');
  return { ctx: tenantContext(principal, await platform.tenants.get(tenant.id)), apiKey };
}

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
  const jar = new Map<string, string>();
  const send = async (path: string, form?: Record<string, string>) => {
    const res = await fetch(`${server.url}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: server.url } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return res;
  };
  const page = await send(`/t/${slug}/console/sign-in`);
  const form = await page.text();
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
  if (!_csrf) throw new Error(`${slug}: no form token on the sign-in page (${page.status}): ${form.slice(0, 300)}`);
  const res = await send(`/t/${slug}/console/sign-in`, { _csrf, email: AGENT.email, password: AGENT.password });
  if (res.status !== 303 || !jar.has('mosaic_session')) throw new Error(`${slug}: sign-in answered ${res.status} ${(await res.text()).slice(0, 300)}`);
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
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
const COMMON = 'order';
const RARE = 'thermoflask';
/** Articles that name the rare word: a product few articles mention. */
const RARE_EVERY = 4_001;

const TOPICS = {
  shipping: {
    titles: ['Where is my parcel', 'Delivery times by country', 'Tracking a shipment', 'Delivery to a pick-up point', 'A parcel marked delivered that never came'],
    sentences: [
      'Every order ships within two working days from our warehouse in Lyon.',
      'You receive a tracking link by email as soon as the carrier scans the parcel.',
      'Deliveries to islands and remote areas can take three more days.',
      'If the tracking has not moved for five days, contact us with your order number.',
      'The carrier leaves a card when nobody is home and tries again the next day.',
      'Large items travel by freight and the driver calls before coming.',
    ],
  },
  returns: {
    titles: ['Returning an item', 'Exchanging a size', 'Refund times', 'Items that cannot be returned', 'Printing a return label'],
    sentences: [
      'You may return any item within thirty days of delivery, unused and in its box.',
      'Start a return from the order page and print the prepaid label.',
      'Refunds reach the original payment method within five to ten days.',
      'An exchange ships as soon as we receive the item you sent back.',
      'Gift cards, opened software and personalised items cannot be returned.',
      'Keep the receipt from the drop-off point until the refund arrives.',
    ],
  },
  billing: {
    titles: ['Payment methods we accept', 'Downloading an invoice', 'A payment was declined', 'Paying in instalments', 'Changing the billing address'],
    sentences: [
      'We accept cards, bank transfers and the major wallets at checkout.',
      'Invoices for every order are in your account under Documents.',
      'A declined payment is most often a limit set by your bank.',
      'Instalments are offered on baskets above one hundred euros.',
      'The billing address can change until the order leaves the warehouse.',
      'Prices include VAT for deliveries inside the European Union.',
    ],
  },
  account: {
    titles: ['Resetting your password', 'Changing your email address', 'Closing your account', 'Two-step sign-in', 'Managing newsletters'],
    sentences: [
      'Use the link on the sign-in page to choose a new password.',
      'A new email address is confirmed by a link we send to it.',
      'Closing the account keeps invoices for the time the law requires.',
      'Two-step sign-in asks for a code from your phone after the password.',
      'Unsubscribe from newsletters at the bottom of any of them.',
      'Your order history stays available as long as the account exists.',
    ],
  },
  products: {
    titles: ['Caring for stainless steel', 'Warranty on small appliances', 'Spare parts and accessories', 'Choosing the right size', 'Product safety notices'],
    sentences: [
      'Wash stainless steel by hand with warm water and a soft cloth.',
      'Small appliances carry a two-year warranty from the date of delivery.',
      'Spare lids, seals and filters can be ordered from the product page.',
      'The size guide on each product page gives measurements in centimetres.',
      'Safety notices are published here and sent to everyone who bought the item.',
      'Batteries must be recycled at a collection point, never with household waste.',
    ],
  },
};
const TOPIC_NAMES = Object.keys(TOPICS) as (keyof typeof TOPICS)[];

/** 50 000 published articles in one write transaction; the FTS index is filled by its insert trigger. */
async function seedKnowledge(): Promise<Pick<WebFixture['knowledge'], 'articles' | 'seedMs'> & { slug: string; matches: (word: string) => Promise<number> }> {
  const { ctx } = await adminContext('bench-kb');
  const started = performance.now();
  const random = prng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const writer = new BatchWriter(ctx.data.client);
  const rows = writer.table('knowledge_articles', ['id', 'title', 'body', 'status', 'locale', 'tags', 'helpful_count', 'not_helpful_count', 'created_at', 'updated_at']);
  const start = Date.UTC(2024, 0, 1);
  const step = Math.floor((Date.UTC(2026, 10, 1) - start) / ARTICLES);
  for (let i = 0; i < ARTICLES; i++) {
    const topic = TOPIC_NAMES[i % TOPIC_NAMES.length]!;
    const { titles, sentences } = TOPICS[topic];
    const paragraphs = Array.from({ length: 2 + Math.floor(random() * 3) }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)).join(' '));
    if (i % RARE_EVERY === 0) paragraphs.push(`The ${RARE} keeps drinks hot for twelve hours; its lid is dishwasher safe.`);
    const createdAt = start + i * step;
    rows.add(
      newId(), `${pick(titles)} (${i + 1})`, paragraphs.join('\n\n'), 'PUBLISHED', 'en', JSON.stringify([topic]),
      Math.floor(random() * 40), Math.floor(random() * 8), createdAt, createdAt + Math.floor(random() * step),
    );
  }
  await writer.flush();
  const seedMs = performance.now() - started;
  const matches = async (word: string) => {
    const { rows: [row] } = await ctx.data.client.execute({
      sql: `select count(*) as n from knowledge_articles_fts f join knowledge_articles a on a.rowid = f.rowid
            where knowledge_articles_fts match ? and a.status = 'PUBLISHED'`,
      args: [`"${word}"*`],
    });
    return Number(row!.n);
  };
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
