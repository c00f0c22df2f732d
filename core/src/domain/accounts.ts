import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '../db/tenant-schema.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { postalAddressInput } from './postal-address.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';

export type Account = typeof accounts.$inferSelect;

const fields = {
  name: z.string().trim().min(1).max(200),
  domain: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'not a domain name').nullish(),
  tier: z.string().trim().min(1).max(40).nullish(),
  address: postalAddressInput.nullish(),
};
export const createAccountInput = z.object(fields);
export const updateAccountInput = z.object({
  name: fields.name.optional(),
  domain: fields.domain,
  tier: fields.tier,
  address: fields.address,
}).refine((v) => Object.keys(v).length > 0, 'give at least one field to change');

export function getAccount(ctx: TenantContext, id: string): Promise<Account> {
  return requireRow(ctx.data.db, accounts, id, 'Account');
}

export function listAccounts(ctx: TenantContext, args: PageArgs): Promise<Connection<Account>> {
  return pageOfRows(ctx.data.db, accounts, [], {
    sort: accounts.createdAt, id: accounts.id, direction: 'desc', sortValue: (a) => timeKey(a.createdAt),
  }, args);
}

export async function createAccount(ctx: TenantContext, raw: unknown): Promise<Account> {
  assertCanWrite(ctx);
  const input = parseInput(createAccountInput, raw);
  return ctx.data.write(async (tx) => {
    const now = new Date();
    const account: Account = {
      id: newId(), name: input.name, domain: input.domain ?? null, tier: input.tier ?? null, address: input.address ?? null, createdAt: now, updatedAt: now,
    };
    await tx.insert(accounts).values(account);
    await emitEvent(tx, ctx.actor, 'account.created', account.id, { name: account.name });
    return account;
  });
}

export async function updateAccount(ctx: TenantContext, id: string, raw: unknown): Promise<Account> {
  assertCanWrite(ctx);
  const input = parseInput(updateAccountInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, accounts, id, 'Account');
    const changes = { ...input, updatedAt: new Date() };
    await tx.update(accounts).set(changes).where(eq(accounts.id, id));
    await emitEvent(tx, ctx.actor, 'account.updated', id, { fields: Object.keys(input) });
    return { ...current, ...changes } as Account;
  });
}

