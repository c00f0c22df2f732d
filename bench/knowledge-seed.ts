/**
 * A knowledge base for the benchmarks: many public articles over five topics (2–4 paragraphs
 * each), a rare word in a few of them, and helpful / not-helpful counts, inserted in one write
 * transaction as multi-row INSERTs (the FTS index filled by its insert trigger), then the stored
 * helpfulness recomputed from the counts in one UPDATE. Used by `web` (the portal search page)
 * and `knowledge` (the search function itself).
 */
import type { TenantDb } from '@mosaic/core';
import { recomputeHelpfulnessStatement } from '../core/src/domain/knowledge/helpfulness.js';
import { newId } from '../core/src/lib/ids.js';
import { BatchWriter } from '../core/src/seed/sql-writer.js';
import { prng } from './lib.js';

/** A word most articles contain, and one few do. */
export const COMMON = 'order';
export const RARE = 'thermoflask';
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

/**
 * Inserts `count` public English articles; about a third have no votes, the rest up to 60 helpful
 * and 15 not-helpful. Answers how long it took and a counter of the public articles a word (as a
 * prefix, as the search reads its last word) matches.
 */
export async function seedKnowledgeArticles(data: TenantDb, count: number): Promise<{ seedMs: number; matches: (word: string) => Promise<number> }> {
  const started = performance.now();
  const random = prng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const writer = new BatchWriter(data.client);
  const rows = writer.table('knowledge_articles', ['id', 'title', 'body', 'visibility', 'locale', 'tags', 'helpful_count', 'not_helpful_count', 'created_at', 'updated_at']);
  const start = Date.UTC(2024, 0, 1);
  const step = Math.floor((Date.UTC(2026, 10, 1) - start) / count);
  for (let i = 0; i < count; i++) {
    const topic = TOPIC_NAMES[i % TOPIC_NAMES.length]!;
    const { titles, sentences } = TOPICS[topic];
    const paragraphs = Array.from({ length: 2 + Math.floor(random() * 3) }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)).join(' '));
    if (i % RARE_EVERY === 0) paragraphs.push(`The ${RARE} keeps drinks hot for twelve hours; its lid is dishwasher safe.`);
    const createdAt = start + i * step;
    const rated = random() < 0.65;
    rows.add(
      newId(), `${pick(titles)} (${i + 1})`, paragraphs.join('\n\n'), 'PUBLIC', 'en', JSON.stringify([topic]),
      rated ? Math.floor(random() * 60) : 0, rated ? Math.floor(random() * 15) : 0, createdAt, createdAt + Math.floor(random() * step),
    );
  }
  await writer.flush([recomputeHelpfulnessStatement()]);
  const seedMs = performance.now() - started;
  const matches = async (word: string) => {
    const { rows: [row] } = await data.client.execute({
      sql: `select count(*) as n from knowledge_articles_fts f join knowledge_articles a on a.rowid = f.rowid
            where knowledge_articles_fts match ? and a.visibility = 'PUBLIC'`,
      args: [`"${word}"*`],
    });
    return Number(row!.n);
  };
  return { seedMs, matches };
}
