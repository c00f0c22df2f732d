import { and, asc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../db/tenant-db.js';
import { communityForums } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertAdmin, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { requireRow } from './rows.js';

export type CommunityForum = typeof communityForums.$inferSelect;

/** A tenant has at most this many forums (they are categories, not threads). */
export const MAX_FORUMS = 200;

const fields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullish(),
  position: z.number().int().min(0).max(10_000),
};
export const createForumInput = z.object({ ...fields, position: fields.position.default(0) });
export const updateForumInput = z.object({ name: fields.name.optional(), description: fields.description, position: fields.position.optional() })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');

export function getForum(ctx: TenantContext, id: string): Promise<CommunityForum> {
  return requireRow(ctx.data.db, communityForums, id, 'CommunityForum');
}

/** Every forum, in the admin's order (then by name). */
export function listForums(ctx: TenantContext): Promise<CommunityForum[]> {
  return ctx.data.db.select().from(communityForums).orderBy(asc(communityForums.position), asc(communityForums.name)).limit(MAX_FORUMS);
}

async function assertNameFree(tx: TenantTx, name: string, except?: string) {
  const [taken] = await tx.select({ id: communityForums.id }).from(communityForums)
    .where(and(eq(communityForums.name, name), except ? ne(communityForums.id, except) : undefined)).limit(1);
  if (taken) throw new AppError('CONFLICT', `a forum named ${name} already exists`);
}

/** Adds a forum (category); admins only. */
export async function createForum(ctx: TenantContext, raw: unknown): Promise<CommunityForum> {
  assertAdmin(ctx);
  const input = parseInput(createForumInput, raw);
  return ctx.data.write(async (tx) => {
    await assertNameFree(tx, input.name);
    const existing = await tx.$count(communityForums);
    if (existing >= MAX_FORUMS) throw new AppError('CONFLICT', `a community has at most ${MAX_FORUMS} forums`);
    const forum: CommunityForum = { id: newId(), name: input.name, description: input.description ?? null, position: input.position, createdAt: new Date() };
    await tx.insert(communityForums).values(forum);
    await emitEvent(tx, ctx.actor, 'community.forum_created', forum.id, { name: forum.name });
    return forum;
  });
}

export async function updateForum(ctx: TenantContext, id: string, raw: unknown): Promise<CommunityForum> {
  assertAdmin(ctx);
  const input = parseInput(updateForumInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, communityForums, id, 'CommunityForum');
    if (input.name) await assertNameFree(tx, input.name, id);
    await tx.update(communityForums).set(input).where(eq(communityForums.id, id));
    await emitEvent(tx, ctx.actor, 'community.forum_updated', id, { fields: Object.keys(input) });
    return { ...current, ...input, description: input.description === undefined ? current.description : input.description ?? null };
  });
}
