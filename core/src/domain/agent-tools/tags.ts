import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDrizzle, TenantTx } from '../../db/tenant-db.js';
import { cases, caseTags, customers, customerTags, CASE_STATUSES } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { emitEvent } from '../outbox.js';
import { timeKey, type Connection, type PageArgs } from '../pagination.js';
import { pageOfRows, requireRow } from '../rows.js';

/** At most this many tags on one case or customer. */
export const MAX_TAGS = 50;

/** A tag: lower case letters (any script), digits, `_`, `-`, `.`, `:`; 1–40 characters, starting with a letter or digit. */
export const tagSchema = z.string().trim().toLowerCase()
  .regex(/^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}_.:-]{0,39}$/u, 'a tag is 1–40 lower-case letters, digits, _ . : or -, starting with a letter or digit');
const tagList = z.array(tagSchema).max(MAX_TAGS);

export const tagCaseInput = z.object({
  caseId: z.string(),
  add: tagList.default([]),
  remove: tagList.default([]),
}).refine((v) => v.add.length + v.remove.length > 0, 'give tags to add or remove');
export const tagCustomerInput = z.object({
  customerId: z.string(),
  add: tagList.default([]),
  remove: tagList.default([]),
}).refine((v) => v.add.length + v.remove.length > 0, 'give tags to add or remove');
export const casesByTagInput = z.object({ tag: tagSchema, status: z.enum(CASE_STATUSES).nullish() });

type Reader = TenantDrizzle | TenantTx;

/**
 * Adds and removes a case's tags inside the caller's transaction; TOO_MANY_TAGS when the case
 * would carry more than MAX_TAGS (the caller's transaction then writes nothing). Answers the tags.
 */
export async function changeCaseTagsTx(tx: TenantTx, caseId: string, add: readonly string[], remove: readonly string[], now: Date): Promise<string[]> {
  if (remove.length) await tx.delete(caseTags).where(and(eq(caseTags.caseId, caseId), inArray(caseTags.tag, [...remove])));
  if (add.length) {
    await tx.insert(caseTags).values([...new Set(add)].map((tag) => ({ caseId, tag, createdAt: now }))).onConflictDoNothing();
    const [row] = await tx.select({ n: count() }).from(caseTags).where(eq(caseTags.caseId, caseId));
    if ((row?.n ?? 0) > MAX_TAGS) throw new AppError('TOO_MANY_TAGS', `a case carries at most ${MAX_TAGS} tags`, { max: MAX_TAGS });
  }
  return tagsOfCase(tx, caseId);
}

async function tagsOfCase(db: Reader, caseId: string): Promise<string[]> {
  const rows = await db.select({ tag: caseTags.tag }).from(caseTags).where(eq(caseTags.caseId, caseId)).orderBy(asc(caseTags.tag));
  return rows.map((r) => r.tag);
}

/** Adds and removes tags of a case (remove first, so one call can rename); answers the case's tags. */
export async function tagCase(ctx: TenantContext, raw: unknown): Promise<{ case: Case; tags: string[] }> {
  assertCanWrite(ctx);
  const input = parseInput(tagCaseInput, raw);
  return ctx.data.write(async (tx) => {
    const kase = await requireRow(tx, cases, input.caseId, 'Case');
    const tags = await changeCaseTagsTx(tx, kase.id, input.add, input.remove, new Date());
    await emitEvent(tx, ctx.actor, 'case.tagged', kase.id, { added: input.add, removed: input.remove });
    return { case: kase, tags };
  });
}

/** Adds and removes tags of a customer under the case rules; answers the customer's tags. */
export async function tagCustomer(ctx: TenantContext, raw: unknown): Promise<{ customerId: string; tags: string[] }> {
  assertCanWrite(ctx);
  const input = parseInput(tagCustomerInput, raw);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, customers, input.customerId, 'Customer');
    const id = input.customerId;
    if (input.remove.length) await tx.delete(customerTags).where(and(eq(customerTags.customerId, id), inArray(customerTags.tag, input.remove)));
    if (input.add.length) {
      await tx.insert(customerTags).values([...new Set(input.add)].map((tag) => ({ customerId: id, tag, createdAt: new Date() }))).onConflictDoNothing();
      const [row] = await tx.select({ n: count() }).from(customerTags).where(eq(customerTags.customerId, id));
      if ((row?.n ?? 0) > MAX_TAGS) throw new AppError('TOO_MANY_TAGS', `a customer carries at most ${MAX_TAGS} tags`, { max: MAX_TAGS });
    }
    await emitEvent(tx, ctx.actor, 'customer.tagged', id, { added: input.add, removed: input.remove });
    const rows = await tx.select({ tag: customerTags.tag }).from(customerTags).where(eq(customerTags.customerId, id)).orderBy(asc(customerTags.tag));
    return { customerId: id, tags: rows.map((r) => r.tag) };
  });
}

/** Tags of many cases at once (for a DataLoader), sorted, keyed by case id. */
export async function tagsOfCases(ctx: TenantContext, caseIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = caseIds.length
    ? await ctx.data.db.select().from(caseTags).where(inArray(caseTags.caseId, [...caseIds])).orderBy(asc(caseTags.tag))
    : [];
  const out = new Map<string, string[]>(caseIds.map((id) => [id, []]));
  for (const r of rows) out.get(r.caseId)?.push(r.tag);
  return out;
}

/** Tags of many customers at once, sorted, keyed by customer id. */
export async function tagsOfCustomers(ctx: TenantContext, customerIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = customerIds.length
    ? await ctx.data.db.select().from(customerTags).where(inArray(customerTags.customerId, [...customerIds])).orderBy(asc(customerTags.tag))
    : [];
  const out = new Map<string, string[]>(customerIds.map((id) => [id, []]));
  for (const r of rows) out.get(r.customerId)?.push(r.tag);
  return out;
}

/** Cases carrying `tag` (optionally in one status), newest first. */
export function listCasesByTag(ctx: TenantContext, raw: unknown, args: PageArgs): Promise<Connection<Case>> {
  const input = parseInput(casesByTagInput, raw);
  const tagged = ctx.data.db.select({ id: caseTags.caseId }).from(caseTags).where(eq(caseTags.tag, input.tag));
  return pageOfRows(ctx.data.db, cases, [inArray(cases.id, tagged), input.status ? eq(cases.status, input.status) : undefined], {
    sort: cases.createdAt, id: cases.id, direction: 'desc', sortValue: (c) => timeKey(c.createdAt),
  }, args);
}

/** The tenant's case tags in use with how many cases carry each, by name (up to 200, optionally by prefix). */
export async function caseTagCounts(ctx: TenantContext, prefix?: string | null): Promise<{ tag: string; count: number }[]> {
  const p = prefix ? parseInput(z.string().trim().toLowerCase().max(40), prefix) : '';
  const where = p ? sql`${caseTags.tag} >= ${p} and ${caseTags.tag} < ${`${p}\u{10FFFF}`}` : undefined;
  return ctx.data.db.select({ tag: caseTags.tag, count: count() }).from(caseTags).where(where)
    .groupBy(caseTags.tag).orderBy(asc(caseTags.tag)).limit(200);
}

/**
 * Moves a merged-away customer's tags to the survivor inside the merge's transaction. Both
 * customers' tags are kept even past MAX_TAGS: a merge loses nothing; the cap bounds additions.
 */
export async function mergeCustomerTagsTx(tx: TenantTx, survivorId: string, duplicateId: string): Promise<void> {
  await tx.insert(customerTags)
    .select(tx.select({ customerId: sql<string>`${survivorId}`.as('customer_id'), tag: customerTags.tag, createdAt: customerTags.createdAt })
      .from(customerTags).where(eq(customerTags.customerId, duplicateId)))
    .onConflictDoNothing();
  await tx.delete(customerTags).where(eq(customerTags.customerId, duplicateId));
}
