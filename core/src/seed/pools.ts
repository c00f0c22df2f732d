/**
 * Pools of names and texts, filled once per seed run from a seeded Faker and a few hand-written
 * customer-service templates. The row generators only pick from these pools, because faker
 * calls per row would dominate the run time at a million interactions.
 */
import { Faker, base, en } from '@faker-js/faker';
import type { Rng } from './rng.js';

export const TOPICS = ['billing', 'shipping', 'technical', 'returns', 'general'] as const;
export type Topic = (typeof TOPICS)[number];

/** Skills agents can have; the first four are also the queues' required skills. */
export const SKILLS = ['billing', 'shipping', 'technical', 'returns', 'vip', 'spanish'] as const;

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
}

export interface TopicTexts {
  subjects: string[];
  inbound: string[];
  outbound: string[];
}

export interface Pools {
  firstNames: string[];
  lastNames: string[];
  companies: { name: string; domain: string }[];
  products: Product[];
  texts: Record<Topic, TopicTexts>;
  articleTitles: { topic: Topic; title: string }[];
  articleParagraphs: Record<Topic, string[]>;
  threadTitles: string[];
}

type Template = string;

const SUBJECTS: Record<Topic, Template[]> = {
  billing: [
    'Charged twice for order {order}', 'Question about my latest invoice', 'Refund not received yet',
    'Update my payment method', 'Unexpected charge of {amount}', 'Cancel my subscription',
    'VAT invoice needed for {month}', 'Promo code not applied', 'Billing address change',
  ],
  shipping: [
    'Where is my order {order}?', 'Package marked delivered but not received', 'Change delivery address',
    'Delivery delayed with {carrier}', 'Tracking number not working', 'Order {order} arrived damaged',
    'Can I pick up in store?', 'Express shipping for {product}',
  ],
  technical: [
    '{product} will not turn on', 'Error {error} when logging in', 'App crashes on {device}',
    'Cannot reset my password', 'Firmware update failed on {product}', 'Sync not working on {device}',
    'Two-factor code never arrives', '{product} keeps disconnecting',
  ],
  returns: [
    'Return {product}', 'Wrong size received', 'Exchange {product} for a different colour',
    'Return label request for order {order}', 'Item missing from order {order}', 'Refund for returned {product}',
  ],
  general: [
    'Question about {product}', 'Feedback on your service', 'Store opening hours', 'Update my account details',
    'Close my account', 'Gift card balance', 'Do you ship to {country}?',
  ],
};

const INBOUND_OPENERS: Template[] = [
  'Hi,', 'Hello,', 'Hi there,', 'Good morning,', 'Hey,', 'Dear support team,', 'Hello again,', '',
];

const INBOUND_DETAILS: Record<Topic, Template[]> = {
  billing: [
    'I was charged {amount} twice for order {order}.', 'My card statement shows a charge I do not recognise.',
    'I returned an item {days} days ago and still have not seen the refund.',
    'The discount code was not applied at checkout, I paid {amount} instead of the sale price.',
    'I need an invoice with my company details for {month}.', 'Please cancel my subscription before the next renewal.',
    'My payment keeps getting declined even though the card is valid.',
  ],
  shipping: [
    'My order {order} was supposed to arrive {days} days ago.', 'The tracking from {carrier} has not updated since {weekday}.',
    'The parcel says delivered but there is nothing at my door.', 'I moved and need to change the delivery address for order {order}.',
    'The box arrived crushed and the {product} inside is damaged.', 'Can you tell me when order {order} will ship?',
  ],
  technical: [
    'My {product} stopped working after the last update.', 'I get error {error} every time I try to sign in.',
    'The app on my {device} closes as soon as I open it.', 'The password reset email never arrives.',
    'The {product} will not pair with my {device}.', 'Syncing between my {device} and the website fails with {error}.',
  ],
  returns: [
    'I would like to return the {product}, it does not fit.', 'I received the wrong item in order {order}.',
    'Can I exchange the {product} for another colour?', 'I need a return label for order {order}.',
    'One item was missing from order {order}.', 'The {product} is not what I expected and I want a refund.',
  ],
  general: [
    'Do you have the {product} in stock?', 'I wanted to say your team was very helpful last time.',
    'How do I update the email address on my account?', 'Is there a store near {city}?',
    'Can I use a gift card together with a promo code?', 'Do you ship to {country}?',
  ],
};

const INBOUND_CLOSERS: Template[] = [
  'Thanks.', 'Thank you!', 'Please help.', 'Can you look into this?', 'Looking forward to your reply.',
  'This is the second time I am asking.', 'Thanks in advance.', '',
];

const OUTBOUND_DETAILS: Record<Topic, Template[]> = {
  billing: [
    'I have refunded the duplicate charge of {amount}; it should appear within 5 business days.',
    'I checked your account and the charge is for the renewal on {weekday}.',
    'Your invoice for {month} is attached.', 'I have applied the discount and refunded the difference.',
    'Your subscription is cancelled and you will not be charged again.',
  ],
  shipping: [
    'I contacted {carrier} and your parcel is expected within {days} days.',
    'I have updated the delivery address on order {order}.',
    'We are sending a replacement {product} by express delivery at no cost.',
    'Order {order} left our warehouse on {weekday}; here is the tracking link.',
    'I opened an investigation with {carrier} about the missing parcel.',
  ],
  technical: [
    'Please hold the power button for 10 seconds to reset the {product}.',
    'Error {error} means the session expired; signing out and in again fixes it.',
    'A fix for the crash on {device} is in the next app release.',
    'I have sent a new password reset link to your email.',
    'Please update the {product} firmware from the settings menu and try again.',
  ],
  returns: [
    'Your return label for order {order} is attached.', 'I have arranged an exchange for the {product}.',
    'Once we receive the {product} the refund takes {days} days.', 'We are shipping the missing item today.',
    'No need to return the item; I have issued a full refund.',
  ],
  general: [
    'Yes, the {product} is in stock and ships within 2 days.', 'Thank you for the kind words, I will pass them on!',
    'You can change your email under Account settings > Profile.', 'Our nearest store to {city} is open 9 to 6.',
    'Yes, gift cards can be combined with promo codes.',
  ],
};

const OUTBOUND_OPENERS: Template[] = [
  'Hi {customer},', 'Hello {customer},', 'Thanks for reaching out, {customer}.', 'Hi {customer}, sorry for the trouble.',
];

const OUTBOUND_CLOSERS: Template[] = [
  'Best regards, {agent}', 'Let me know if there is anything else. {agent}', 'Kind regards, {agent} from Support',
  'Have a great day! {agent}', 'Thanks, {agent}',
];

const ARTICLE_TITLES: Record<Topic, Template[]> = {
  billing: [
    'How refunds work', 'Understanding your invoice', 'Updating your payment method', 'Cancelling a subscription',
    'Why was my card declined?', 'Using promo codes and gift cards', 'Getting a VAT invoice', 'Billing FAQ',
  ],
  shipping: [
    'Tracking your order', 'Delivery times by country', 'What to do if your parcel is late',
    'Changing your delivery address', 'Reporting a damaged delivery', 'Shipping costs explained', 'Express delivery options',
  ],
  technical: [
    'Resetting your password', 'Setting up two-factor authentication', 'Troubleshooting app crashes',
    'Pairing your device', 'Updating firmware', 'Fixing sync problems', 'Common error codes', 'System requirements',
  ],
  returns: [
    'Our return policy', 'Printing a return label', 'Exchanging an item', 'When will I get my refund?',
    'Returning a gift', 'Items that cannot be returned',
  ],
  general: [
    'Contacting support', 'Managing your account', 'Closing your account', 'Store locations and hours',
    'Our privacy policy in plain words', 'Gift card balance and expiry',
  ],
};

const ARTICLE_TIPS: Template[] = [
  'If this does not help, contact us from the Help Center and we will get back to you within one business day.',
  'Tip: keep your order number at hand, it speeds things up.',
  'This applies to all orders placed on our website and in our app.',
  'Business accounts can also ask their account manager.', '',
];

const THREAD_TITLES: Template[] = [
  'Anyone else having trouble with the {product}?', 'Tips for getting the most out of the {product}',
  'Error {error} after the update', 'How long do refunds usually take?', 'Best accessories for the {product}',
  'App keeps logging me out on {device}', 'Delivery experiences with {carrier}', 'Feature request: dark mode',
  'Is the {product} worth the upgrade?', 'Return process was painless', 'Warranty question about the {product}',
];

const CARRIERS = ['UPS', 'FedEx', 'DHL', 'USPS', 'Royal Mail', 'DPD'];
const DEVICES = ['iPhone', 'Android phone', 'iPad', 'Windows laptop', 'Mac', 'Chromebook', 'smart TV'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'company';

/** Builds every pool from `seed`; takes a few milliseconds. */
export function buildPools(seed: number, rng: Rng): Pools {
  const faker = new Faker({ locale: [en, base], seed });
  const times = <T>(n: number, fn: () => T): T[] => Array.from({ length: n }, fn);

  const firstNames = times(600, () => faker.person.firstName());
  const lastNames = times(1000, () => faker.person.lastName());
  const products = times(300, () => ({
    sku: `SKU-${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`,
    name: faker.commerce.productName(),
    priceCents: Math.round(Number(faker.commerce.price({ min: 3, max: 900 })) * 100),
  }));
  const companies = times(800, () => {
    const name = faker.company.name();
    return { name, domain: `${slug(name)}.example.com` };
  });
  const cities = times(50, () => faker.location.city());
  const countries = times(40, () => faker.location.country());

  // Fills {placeholders} with pooled values; only used while building pools.
  const fill = (t: Template): string => t.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case 'order': return `#SO-${String(rng.int(1, 99_999_999)).padStart(8, '0')}`;
      case 'amount': return `$${(rng.int(300, 90_000) / 100).toFixed(2)}`;
      case 'product': return rng.pick(products).name;
      case 'carrier': return rng.pick(CARRIERS);
      case 'device': return rng.pick(DEVICES);
      case 'weekday': return rng.pick(WEEKDAYS);
      case 'month': return rng.pick(MONTHS);
      case 'days': return String(rng.int(2, 21));
      case 'error': return `E${rng.int(100, 999)}`;
      case 'city': return rng.pick(cities);
      case 'country': return rng.pick(countries);
      case 'customer': return rng.pick(firstNames);
      case 'agent': return rng.pick(firstNames);
      default: return key;
    }
  });
  const join = (...parts: string[]) => parts.filter((p) => p.length > 0).join(' ');

  const texts = {} as Record<Topic, TopicTexts>;
  for (const topic of TOPICS) {
    texts[topic] = {
      subjects: times(150, () => fill(rng.pick(SUBJECTS[topic]))),
      inbound: times(400, () => {
        const extra = rng.chance(0.4) ? fill(rng.pick(INBOUND_DETAILS[topic])) : '';
        return join(rng.pick(INBOUND_OPENERS), fill(rng.pick(INBOUND_DETAILS[topic])), extra, fill(rng.pick(INBOUND_CLOSERS)));
      }),
      outbound: times(400, () =>
        join(fill(rng.pick(OUTBOUND_OPENERS)), fill(rng.pick(OUTBOUND_DETAILS[topic])), fill(rng.pick(OUTBOUND_CLOSERS)))),
    };
  }

  const articleTitles = TOPICS.flatMap((topic) => ARTICLE_TITLES[topic].map((title) => ({ topic, title })));
  const articleParagraphs = {} as Record<Topic, string[]>;
  for (const topic of TOPICS) {
    articleParagraphs[topic] = times(40, () =>
      join(...times(rng.int(2, 4), () => fill(rng.pick(OUTBOUND_DETAILS[topic]))), rng.pick(ARTICLE_TIPS)));
  }
  const threadTitles = times(100, () => fill(rng.pick(THREAD_TITLES)));

  return { firstNames, lastNames, companies, products, texts, articleTitles, articleParagraphs, threadTitles };
}
