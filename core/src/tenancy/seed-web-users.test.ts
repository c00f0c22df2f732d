import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, orders, webUsers } from '../db/tenant-schema.js';
import { openTenants, type Tenants } from '../plugins/host/test-fixtures.js';
import { seedTenant } from '../seed/index.js';
import { seedWebUsers } from './seed-web-users.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { signIn } from './web-users.js';

let t: Tenants;
beforeAll(async () => {
  t = await openTenants();
  await seedTenant(t.a.data, { customers: 120, seed: 7 });
});
afterAll(() => t.close());

const passwords = { customerPassword: 'customer pass 1', agentPassword: 'agent pass 123', adminPassword: 'admin pass 123' };
const signInAs = (email: string, password: string) => signIn(t.a.data, { email, password }, { ip: '127.0.0.1', throttle: new SignInThrottle() });

describe('seedWebUsers', () => {
  it('creates a customer with orders, an agent and an admin who can sign in, and can run again', async () => {
    const seeded = await seedWebUsers(t.a.data, passwords);
    // The seed has customers with an address and a shipped order; the portal's demo customer is one.
    const shipped = await t.a.data.db.select({ customerId: orders.customerId }).from(orders).innerJoin(customers, eq(customers.id, orders.customerId))
      .where(and(eq(orders.status, 'SHIPPED'), isNotNull(customers.address)));
    expect(shipped.length).toBeGreaterThan(0);
    expect(shipped.map((o) => o.customerId)).toContain(seeded.customer.customerId);
    expect(await signInAs(seeded.customer.email, passwords.customerPassword)).toMatchObject({ role: 'customer', customerId: seeded.customer.customerId });
    expect(await signInAs(seeded.agent.email, passwords.agentPassword)).toMatchObject({ role: 'agent', agentId: seeded.agent.agentId });
    expect(await signInAs('admin@example.com', passwords.adminPassword)).toMatchObject({ role: 'admin' });

    const again = await seedWebUsers(t.a.data, { ...passwords, adminPassword: 'another admin pw' });
    expect(again.customer).toEqual(seeded.customer);
    expect((await t.a.data.db.select().from(webUsers)).length).toBe(3);
    await expect(signInAs('admin@example.com', passwords.adminPassword)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await signInAs('admin@example.com', 'another admin pw')).toMatchObject({ role: 'admin' });
  });

  it('needs a seeded tenant and valid passwords', async () => {
    await expect(seedWebUsers(t.b.data, passwords)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(seedWebUsers(t.a.data, { ...passwords, adminPassword: 'short' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
