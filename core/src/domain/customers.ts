import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  accounts, articleRatings, cases, communityPosts, communityThreads, communityVotes, customers,
  identities, interactions, orders, IDENTITY_KINDS, CUSTOMER_STATUSES,
} from '../db/tenant-schema.js';
import type { TenantTx } from '../db/tenant-db.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { postalAddressInput } from './postal-address.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { likeText, pageOfRows, requireRow } from './rows.js';
import { mergeCustomerTagsTx } from './agent-tools/tags.js';
import { mergeCommunityCustomerTx } from './community-moderation.js';
import { phoneIdentity } from './phone-numbers.js';

export type Customer = typeof customers.$inferSelect;
export type Identity = typeof identities.$inferSelect;

const email = z.string().trim().toLowerCase().max(320).pipe(z.email());
const phone = z.string().trim().regex(/^\+?[0-9 ()-]{4,32}$/, 'not a phone number');
const name = z.string().trim().min(1).max(200);

const identityInput = z.object({
  kind: z.enum(IDENTITY_KINDS),
  value: z.string().trim().min(1).max(320),
  provider: z.string().trim().min(1).max(64).nullish(),
});

export const createCustomerInput = z.object({
  name,
  email: email.nullish(),
  phone: phone.nullish(),
  accountId: z.string().nullish(),
  address: postalAddressInput.nullish(),
  identities: z.array(identityInput).max(20).optional(),
});

export const updateCustomerInput = z.object({
  name: name.optional(),
  email: email.nullish(),
  phone: phone.nullish(),
  accountId: z.string().nullish(),
  address: postalAddressInput.nullish(),
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');

export const CUSTOMER_ORDER = ['CREATED_AT_DESC', 'CREATED_AT_ASC', 'NAME_ASC', 'NAME_DESC'] as const;
export type CustomerOrder = (typeof CUSTOMER_ORDER)[number];

export interface CustomerFilter {
  accountId?: string | null;
  status?: (typeof CUSTOMER_STATUSES)[number] | null;
  nameStartsWith?: string | null;
  email?: string | null;
}

export function getCustomer(ctx: TenantContext, id: string): Promise<Customer> {
  return requireRow(ctx.data.db, customers, id, 'Customer');
}

export async function listCustomers(
  ctx: TenantContext,
  args: PageArgs & { filter?: CustomerFilter | null; orderBy?: CustomerOrder | null },
): Promise<Connection<Customer>> {
  const order = args.orderBy ?? 'CREATED_AT_DESC';
  const byName = order.startsWith('NAME');
  const direction = order.endsWith('DESC') ? 'desc' : 'asc';
  const sortColumn = byName ? customers.name : customers.createdAt;
  const f = args.filter ?? {};
  const where: (SQL | undefined)[] = [];
  if (f.accountId) where.push(eq(customers.accountId, f.accountId));
  if (f.status) where.push(eq(customers.status, f.status));
  if (f.nameStartsWith) where.push(likeText(customers.name, f.nameStartsWith, 'prefix'));
  if (f.email) {
    const owner = ctx.data.db
      .select({ id: identities.customerId })
      .from(identities)
      .where(and(eq(identities.kind, 'EMAIL'), eq(identities.value, f.email.trim().toLowerCase())));
    where.push(inArray(customers.id, owner));
  }
  return pageOfRows(ctx.data.db, customers, where, {
    sort: sortColumn, id: customers.id, direction, sortValue: (c) => (byName ? c.name : timeKey(c.createdAt)),
  }, args);
}

export function customerIdentities(ctx: TenantContext, customerIds: readonly string[]): Promise<Identity[]> {
  return ctx.data.db
    .select()
    .from(identities)
    .where(inArray(identities.customerId, [...customerIds]))
    .orderBy(asc(identities.createdAt));
}

async function assertAccountExists(tx: TenantTx, accountId: string | null | undefined): Promise<void> {
  if (accountId) await requireRow(tx, accounts, accountId, 'Account');
}

/** Adds identities, answering CONFLICT when a handle already belongs to someone else. */
async function attachIdentities(
  tx: TenantTx,
  customerId: string,
  handles: z.infer<typeof identityInput>[],
  now: Date,
): Promise<void> {
  for (const h of handles) {
    const value = h.kind === 'EMAIL' ? h.value.toLowerCase() : h.kind === 'PHONE' ? phoneIdentity(h.value) : h.value;
    const [owner] = await tx
      .select({ customerId: identities.customerId })
      .from(identities)
      .where(and(eq(identities.kind, h.kind), eq(identities.value, value)))
      .limit(1);
    if (owner && owner.customerId !== customerId) {
      throw new AppError('CONFLICT', `${h.kind.toLowerCase()} ${value} already belongs to another customer`);
    }
    if (!owner) {
      await tx.insert(identities).values({
        id: newId(), customerId, kind: h.kind, value, provider: h.provider ?? null, verified: false, createdAt: now,
      });
    }
  }
}

function contactHandles(input: { email?: string | null; phone?: string | null }) {
  const handles: z.infer<typeof identityInput>[] = [];
  if (input.email) handles.push({ kind: 'EMAIL', value: input.email });
  if (input.phone) handles.push({ kind: 'PHONE', value: input.phone });
  return handles;
}

export async function createCustomer(ctx: TenantContext, raw: unknown): Promise<Customer> {
  assertCanWrite(ctx);
  const input = parseInput(createCustomerInput, raw);
  return ctx.data.write(async (tx) => {
    await assertAccountExists(tx, input.accountId);
    const now = new Date();
    const customer: Customer = {
      id: newId(),
      accountId: input.accountId ?? null,
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      status: 'ACTIVE',
      mergedIntoId: null,
      address: input.address ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(customers).values(customer);
    await attachIdentities(tx, customer.id, [...contactHandles(input), ...(input.identities ?? [])], now);
    await emitEvent(tx, ctx.actor, 'customer.created', customer.id, { name: customer.name, email: customer.email });
    return customer;
  });
}

export async function updateCustomer(ctx: TenantContext, id: string, raw: unknown): Promise<Customer> {
  assertCanWrite(ctx);
  const input = parseInput(updateCustomerInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, customers, id, 'Customer');
    if (current.status === 'MERGED') throw new AppError('CONFLICT', 'this customer was merged into another and is read-only');
    await assertAccountExists(tx, input.accountId);
    const now = new Date();
    const changes: Partial<Customer> = { updatedAt: now };
    if (input.name !== undefined) changes.name = input.name;
    if (input.email !== undefined) changes.email = input.email;
    if (input.phone !== undefined) changes.phone = input.phone;
    if (input.accountId !== undefined) changes.accountId = input.accountId;
    if (input.address !== undefined) changes.address = input.address;
    await attachIdentities(tx, id, contactHandles(input), now);
    await tx.update(customers).set(changes).where(eq(customers.id, id));
    await emitEvent(tx, ctx.actor, 'customer.updated', id, { fields: Object.keys(input) });
    return { ...current, ...changes };
  });
}

/**
 * Folds `duplicateId` into `survivorId`: every case, interaction, order, identity and community
 * contribution moves over; the duplicate stays as a MERGED tombstone pointing at the survivor so
 * old links still resolve.
 */
export async function mergeCustomers(
  ctx: TenantContext,
  survivorId: string,
  duplicateId: string,
): Promise<{ survivor: Customer; merged: Customer }> {
  assertCanWrite(ctx);
  if (survivorId === duplicateId) throw new AppError('BAD_USER_INPUT', 'a customer cannot be merged into itself');
  return ctx.data.write(async (tx) => {
    const survivor = await requireRow(tx, customers, survivorId, 'Customer');
    const duplicate = await requireRow(tx, customers, duplicateId, 'Customer');
    if (survivor.status === 'MERGED' || duplicate.status === 'MERGED') {
      throw new AppError('CONFLICT', 'one of these customers was already merged');
    }
    const now = new Date();
    await tx.update(identities).set({ customerId: survivorId }).where(eq(identities.customerId, duplicateId));
    await tx.update(cases).set({ customerId: survivorId }).where(eq(cases.customerId, duplicateId));
    await tx.update(interactions).set({ customerId: survivorId }).where(eq(interactions.customerId, duplicateId));
    await tx.update(orders).set({ customerId: survivorId }).where(eq(orders.customerId, duplicateId));
    await tx.update(articleRatings).set({ customerId: survivorId }).where(eq(articleRatings.customerId, duplicateId));
    await tx.update(communityThreads).set({ authorCustomerId: survivorId }).where(eq(communityThreads.authorCustomerId, duplicateId));
    await tx.update(communityPosts).set({ authorCustomerId: survivorId }).where(eq(communityPosts.authorCustomerId, duplicateId));
    // One vote per person per post: the survivor's own vote wins where both voted.
    await tx.delete(communityVotes).where(and(
      eq(communityVotes.customerId, duplicateId),
      inArray(communityVotes.postId, tx.select({ p: communityVotes.postId }).from(communityVotes).where(eq(communityVotes.customerId, survivorId))),
    ));
    await tx.update(communityVotes).set({ customerId: survivorId }).where(eq(communityVotes.customerId, duplicateId));
    await mergeCustomerTagsTx(tx, survivorId, duplicateId);
    await mergeCommunityCustomerTx(tx, survivorId, duplicateId);
    const fill: Partial<Customer> = { updatedAt: now };
    if (!survivor.email && duplicate.email) fill.email = duplicate.email;
    if (!survivor.phone && duplicate.phone) fill.phone = duplicate.phone;
    if (!survivor.accountId && duplicate.accountId) fill.accountId = duplicate.accountId;
    await tx.update(customers).set(fill).where(eq(customers.id, survivorId));
    await tx.update(customers)
      .set({ status: 'MERGED', mergedIntoId: survivorId, updatedAt: now })
      .where(and(eq(customers.id, duplicateId), ne(customers.status, 'MERGED')));
    await emitEvent(tx, ctx.actor, 'customer.merged', survivorId, { survivorId, duplicateId });
    return {
      survivor: { ...survivor, ...fill },
      merged: { ...duplicate, status: 'MERGED' as const, mergedIntoId: survivorId, updatedAt: now },
    };
  });
}

/** Count of customers (used by seeding and stats; cheap on the covering index). */
export async function countCustomers(ctx: TenantContext): Promise<number> {
  const [row] = await ctx.data.db.select({ n: sql<number>`count(*)` }).from(customers);
  return row?.n ?? 0;
}
