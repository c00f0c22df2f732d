import { z } from 'zod';
import { bulkInsert, selectWhereIn } from '../../db/bulk-insert.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { customers, identities } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { e164 } from '../phone-numbers.js';

/** How a sender introduced themselves on a channel: any of an address, a number, a handle. */
export const contactInput = z.object({
  name: z.string().trim().min(1).max(200).nullish(),
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()).nullish(),
  phone: z.string().trim().min(3).max(40).nullish(),
  /** A social handle, with or without the leading `@`. */
  handle: z.string().trim().regex(/^@?[A-Za-z0-9_.-]{1,64}$/, 'not a social handle').nullish(),
  /** The social network of the handle (e.g. `twitter`). */
  network: z.string().trim().min(1).max(64).nullish(),
}).refine((c) => Boolean(c.email || c.phone || c.handle), 'give an email, a phone number or a social handle');

export type ContactInput = z.infer<typeof contactInput>;

/** One handle in the form identities are stored: email lower case, phone E.164, handle `@lower`. */
export interface Handle {
  kind: 'EMAIL' | 'PHONE' | 'SOCIAL';
  value: string;
  provider: string | null;
}

/** A contact reduced to its stored handles (most specific first) and the name a new customer gets. */
export interface ResolvableContact {
  handles: Handle[];
  name: string;
  email: string | null;
  phone: string | null;
}

/** `@alice` for `Alice` or `@Alice`: handles are matched without regard to case. */
export const normaliseHandle = (handle: string): string => `@${handle.replace(/^@/, '').toLowerCase()}`;

/** The stored handles of a checked contact; BAD_USER_INPUT when its phone number is not one. */
export function resolvableContact(contact: ContactInput, region?: string | null): ResolvableContact {
  const handles: Handle[] = [];
  const email = contact.email ?? null;
  if (email) handles.push({ kind: 'EMAIL', value: email, provider: null });
  let phone: string | null = null;
  if (contact.phone) {
    phone = e164(contact.phone, region);
    if (!phone) throw new AppError('BAD_USER_INPUT', `${contact.phone} is not a phone number${region ? '' : ' in international form (+…)'}`);
    handles.push({ kind: 'PHONE', value: phone, provider: null });
  }
  const handle = contact.handle ? normaliseHandle(contact.handle) : null;
  if (handle) handles.push({ kind: 'SOCIAL', value: handle, provider: contact.network ?? null });
  return { handles, name: contact.name ?? email ?? phone ?? handle ?? 'Unknown', email, phone };
}

const keyOf = (h: Pick<Handle, 'kind' | 'value'>) => `${h.kind}\u0000${h.value}`;

/**
 * The customer of each contact, in order, inside the caller's transaction: the owner of the
 * first of its handles already known (email, then phone, then handle), else a customer created
 * now. A known customer also gets the contact's handles nobody owns yet. Every lookup for the
 * whole list is one IN query per 500 handles, and every insert a few multi-row statements
 * (db/bulk-insert.ts), so a batch of a thousand contacts costs a handful of statements. Contacts sharing a new handle get
 * one new customer between them.
 */
export async function resolveCustomers(tx: TenantTx, contacts: readonly ResolvableContact[], now: Date): Promise<string[]> {
  const owner = new Map<string, string>();
  const values = [...new Set(contacts.flatMap((c) => c.handles.map((h) => h.value)))];
  for (const r of await selectWhereIn(tx, 'select kind, value, customer_id from identities', 'value', values)) {
    owner.set(keyOf(r as unknown as Handle), String(r.customer_id));
  }
  const newCustomers: (typeof customers.$inferInsert)[] = [];
  const newIdentities: (typeof identities.$inferInsert)[] = [];
  const result = contacts.map((contact) => {
    const known = contact.handles.map((h) => owner.get(keyOf(h))).find((id) => id !== undefined);
    const customerId = known ?? newId();
    if (!known) {
      newCustomers.push({
        id: customerId, name: contact.name, email: contact.email, phone: contact.phone, status: 'ACTIVE', createdAt: now, updatedAt: now,
      });
    }
    for (const h of contact.handles) {
      if (owner.has(keyOf(h))) continue;
      owner.set(keyOf(h), customerId);
      newIdentities.push({ id: newId(), customerId, kind: h.kind, value: h.value, provider: h.provider, verified: false, createdAt: now });
    }
    return customerId;
  });
  await bulkInsert(tx, customers, newCustomers);
  await bulkInsert(tx, identities, newIdentities, 'on conflict do nothing');
  return result;
}
