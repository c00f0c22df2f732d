import { and, asc, desc, eq, exists, isNotNull } from 'drizzle-orm';
import type { TenantDb, TenantTx } from '../db/tenant-db.js';
import { agents, customers, orders, webUsers, type WebRole } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { hashPassword } from './password-hash.js';
import { webPassword } from './web-users.js';

export interface SeedWebUsersOptions {
  customerPassword: string;
  agentPassword: string;
  adminPassword: string;
  /** The admin's sign-in email (default admin@example.com). */
  adminEmail?: string;
}

export interface SeededWebUser {
  email: string;
  name: string;
}

/**
 * Demo sign-ins on an already seeded tenant (seedTenant): a portal customer for a seeded
 * customer with orders (one with an address and a shipped order when there is), an agent for a
 * seeded agent, and an admin, with the given passwords (the demo prints them). Safe to run again: existing users get the given password again.
 */
export async function seedWebUsers(
  data: TenantDb,
  options: SeedWebUsersOptions,
): Promise<{ customer: SeededWebUser & { customerId: string }; agent: SeededWebUser & { agentId: string }; admin: SeededWebUser }> {
  for (const password of [options.customerPassword, options.agentPassword, options.adminPassword]) parseInput(webPassword, password);
  const [customerHash, agentHash, adminHash] = await Promise.all(
    [options.customerPassword, options.agentPassword, options.adminPassword].map((p) => hashPassword(p)),
  );
  return data.write(async (tx) => {
    const hasOrder = (status?: 'SHIPPED') => exists(tx.select({ id: orders.id }).from(orders)
      .where(and(eq(orders.customerId, customers.id), status ? eq(orders.status, status) : undefined)));
    // Best a customer with an address and a shipped order: the demo's parcels, and the portal's
    // tracking and map, are about one. Any customer with an order will do otherwise.
    const [customer] = await tx.select({ id: customers.id, name: customers.name, email: customers.email }).from(customers)
      .where(and(isNotNull(customers.email), eq(customers.status, 'ACTIVE'), hasOrder()))
      .orderBy(desc(and(isNotNull(customers.address), hasOrder('SHIPPED'))!), asc(customers.createdAt), asc(customers.id)).limit(1);
    const [agent] = await tx.select().from(agents).orderBy(asc(agents.createdAt), asc(agents.id)).limit(1);
    if (!customer || !agent) throw new AppError('NOT_FOUND', 'seed the tenant first: no customer with orders, or no agent');
    const adminEmail = (options.adminEmail ?? 'admin@example.com').trim().toLowerCase();
    await upsertUser(tx, { email: customer.email!.toLowerCase(), name: customer.name, role: 'customer', customerId: customer.id, agentId: null }, customerHash!);
    await upsertUser(tx, { email: agent.email.toLowerCase(), name: agent.name, role: 'agent', customerId: null, agentId: agent.id }, agentHash!);
    await upsertUser(tx, { email: adminEmail, name: 'Demo admin', role: 'admin', customerId: null, agentId: null }, adminHash!);
    return {
      customer: { email: customer.email!.toLowerCase(), name: customer.name, customerId: customer.id },
      agent: { email: agent.email.toLowerCase(), name: agent.name, agentId: agent.id },
      admin: { email: adminEmail, name: 'Demo admin' },
    };
  });
}

async function upsertUser(
  tx: TenantTx,
  user: { email: string; name: string; role: WebRole; customerId: string | null; agentId: string | null },
  passwordHash: string,
): Promise<void> {
  const now = new Date();
  await tx.insert(webUsers).values({ id: newId(), ...user, passwordHash, disabledAt: null, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: webUsers.email, set: { ...user, passwordHash, disabledAt: null, updatedAt: now } });
}
