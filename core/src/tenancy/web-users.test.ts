import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, customers, identities, webUsers } from '../db/tenant-schema.js';
import { openTenants, type Tenants } from '../plugins/host/test-fixtures.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { SignInThrottle } from './sign-in-throttle.js';
import {
  changeWebUserRole, createStaffUser, disableWebUser, getWebUser, listWebUsers, signIn, signUpCustomer, type WebActor,
} from './web-users.js';
import { resumeWebSession, startWebSession } from './web-sessions.js';

let t: Tenants;
beforeAll(async () => { t = await openTenants(); });
afterAll(() => t.close());

const codeOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: { code?: string }) => e.code ?? String(e));
const ip = '192.0.2.1';
const throttle = () => new SignInThrottle({ perEmailAndIp: 3, perIp: 6, windowMs: 60_000 });

describe('customer sign-up and sign-in', () => {
  it('creates the customer, its email identity and the web user together, with the email normalised', async () => {
    const user = await signUpCustomer(t.a.data, { name: 'Ana Ruiz', email: '  Ana.Ruiz@Example.COM ', password: 'a long enough secret' });
    expect(user).toMatchObject({ email: 'ana.ruiz@example.com', role: 'customer' });
    expect(user).not.toHaveProperty('passwordHash');
    const [customer] = await t.a.data.db.select().from(customers).where(eq(customers.id, user.customerId!));
    expect(customer).toMatchObject({ name: 'Ana Ruiz', email: 'ana.ruiz@example.com' });
    const handles = await t.a.data.db.select().from(identities).where(eq(identities.customerId, customer!.id));
    expect(handles.map((h) => `${h.kind}:${h.value}`)).toEqual(['EMAIL:ana.ruiz@example.com']);
    const [row] = await t.a.data.db.select().from(webUsers).where(eq(webUsers.id, user.id));
    expect(row!.passwordHash).toMatch(/^scrypt\$1\$/);
    expect(row!.passwordHash).not.toContain('a long enough secret');
    const signedIn = await signIn(t.a.data, { email: 'ANA.RUIZ@example.com', password: 'a long enough secret' }, { ip, throttle: throttle() });
    expect(signedIn.id).toBe(user.id);
  });

  it('refuses a second account for the same email with a generic code and writes nothing', async () => {
    const before = (await t.a.data.db.select().from(customers)).length;
    const results = await Promise.all([1, 2].map(() => codeOf(signUpCustomer(t.a.data, { name: 'Ben', email: 'ben@example.com', password: 'password one!' }))));
    expect(results.sort()).toEqual(['SIGN_UP_FAILED', 'no error']);
    expect(await codeOf(signUpCustomer(t.a.data, { name: 'Other', email: 'BEN@example.com', password: 'other password' }))).toBe('SIGN_UP_FAILED');
    expect((await t.a.data.db.select().from(customers)).length).toBe(before + 1);
  });

  it('links no one else: an email known from other channels gets a new customer, the identity stays with its owner', async () => {
    const now = new Date();
    await t.a.data.db.insert(customers).values({ id: 'c-known', name: 'Known', email: 'known@example.com', createdAt: now, updatedAt: now });
    await t.a.data.db.insert(identities).values({ id: 'i-known', customerId: 'c-known', kind: 'EMAIL', value: 'known@example.com', createdAt: now });
    const user = await signUpCustomer(t.a.data, { name: 'Known Again', email: 'known@example.com', password: 'yet another one' });
    expect(user.customerId).not.toBe('c-known');
    const [identity] = await t.a.data.db.select().from(identities).where(eq(identities.value, 'known@example.com'));
    expect(identity!.customerId).toBe('c-known');
  });

  it('applies the password rules', async () => {
    for (const password of ['short pw!', 'x'.repeat(201), ' '.repeat(12)]) {
      expect(await codeOf(signUpCustomer(t.a.data, { name: 'P', email: 'p@example.com', password }))).toBe('BAD_USER_INPUT');
    }
    expect(await codeOf(signUpCustomer(t.a.data, { name: 'P', email: 'not an email', password: 'fine password' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(signUpCustomer(t.a.data, { name: 'P', email: 'p@example.com', password: 'x'.repeat(200) }))).toBe('no error');
  });

  it('answers INVALID_CREDENTIALS alike for unknown emails and wrong passwords, then RATE_LIMITED per email and address', async () => {
    const th = throttle();
    expect(await codeOf(signIn(t.a.data, { email: 'nobody@example.com', password: 'whatever pw' }, { ip, throttle: th }))).toBe('INVALID_CREDENTIALS');
    for (let i = 0; i < 3; i++) {
      expect(await codeOf(signIn(t.a.data, { email: 'ben@example.com', password: 'wrong password' }, { ip, throttle: th }))).toBe('INVALID_CREDENTIALS');
    }
    // Locked for this email from this address, even with the right password...
    expect(await codeOf(signIn(t.a.data, { email: 'ben@example.com', password: 'password one!' }, { ip, throttle: th }))).toBe('RATE_LIMITED');
    // ...but not from another address, nor in another tenant.
    expect(await codeOf(signIn(t.a.data, { email: 'ben@example.com', password: 'password one!' }, { ip: '192.0.2.2', throttle: th }))).toBe('no error');
    expect(await codeOf(signIn(t.b.data, { email: 'ben@example.com', password: 'password one!' }, { ip, throttle: th }))).toBe('INVALID_CREDENTIALS');
    // Spraying other emails from the first address hits the per-address limit (6 failures).
    expect(await codeOf(signIn(t.a.data, { email: 'x1@example.com', password: 'wrong password' }, { ip, throttle: th }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(signIn(t.a.data, { email: 'x2@example.com', password: 'wrong password' }, { ip, throttle: th }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(signIn(t.a.data, { email: 'x3@example.com', password: 'wrong password' }, { ip, throttle: th }))).toBe('RATE_LIMITED');
  });

  it('upgrades a hash made with older parameters at the next sign-in', async () => {
    const now = new Date();
    const old = await hashPassword('an old cheap hash', { N: 1024, r: 8, p: 1 });
    await t.a.data.db.insert(webUsers).values({ id: 'old-1', email: 'old@a.example', name: 'Old', role: 'customer', passwordHash: old, createdAt: now, updatedAt: now });
    await signIn(t.a.data, { email: 'old@a.example', password: 'an old cheap hash' }, { ip, throttle: throttle() });
    const [row] = await t.a.data.db.select().from(webUsers).where(eq(webUsers.id, 'old-1'));
    expect(row!.passwordHash).toMatch(/^scrypt\$1\$N=32768,r=8,p=1\$/);
    expect(await verifyPassword('an old cheap hash', row!.passwordHash)).toBe(true);
  });

  it('a user of tenant A does not exist in tenant B', async () => {
    const [a] = await t.a.data.db.select().from(webUsers).limit(1);
    expect(await codeOf(getWebUser(t.b.data, a!.id))).toBe('NOT_FOUND');
    expect(await codeOf(signIn(t.b.data, { email: a!.email, password: 'a long enough secret' }, { ip, throttle: throttle() }))).toBe('INVALID_CREDENTIALS');
  });
});

describe('staff management', () => {
  let admin: WebActor;
  beforeAll(async () => {
    const now = new Date();
    const id = 'admin-1';
    await t.b.data.db.insert(webUsers).values({ id, email: 'root@b.example', name: 'Root', role: 'admin', passwordHash: 'x', createdAt: now, updatedAt: now });
    admin = { id, role: 'admin' };
  });

  it('only admins manage staff', async () => {
    const input = { role: 'agent', name: 'Al', email: 'al@b.example', password: 'agent password' };
    expect(await codeOf(createStaffUser(t.b.data, { id: 'x', role: 'agent' }, input))).toBe('FORBIDDEN');
    expect(await codeOf(listWebUsers(t.b.data, { id: 'x', role: 'customer' }))).toBe('FORBIDDEN');
  });

  it('creates an agent tied to an agents row (made when missing) and an admin, lists them, refuses a duplicate', async () => {
    const agent = await createStaffUser(t.b.data, admin, { role: 'agent', name: 'Al Agent', email: 'AL@b.example', password: 'agent password' });
    const [row] = await t.b.data.db.select().from(agents).where(eq(agents.id, agent.agentId!));
    expect(row).toMatchObject({ email: 'al@b.example', name: 'Al Agent' });
    await createStaffUser(t.b.data, admin, { role: 'admin', name: 'Ada', email: 'ada@b.example', password: 'admin password' });
    expect(await codeOf(createStaffUser(t.b.data, admin, { role: 'admin', name: 'Dup', email: 'al@b.example', password: 'admin password' }))).toBe('CONFLICT');
    expect((await listWebUsers(t.b.data, admin, 'agent')).map((u) => u.email)).toEqual(['al@b.example']);
    expect((await listWebUsers(t.b.data, admin)).map((u) => u.email)).toEqual(['root@b.example', 'al@b.example', 'ada@b.example']);
    expect(await codeOf(createStaffUser(t.b.data, admin, { role: 'agent', name: 'Z', email: 'z@b.example', password: 'agent password', agentId: '0190f0f0-0000-7000-8000-000000000000' }))).toBe('NOT_FOUND');
  });

  it('disabling ends the sessions and stops sign-in; role changes end them too', async () => {
    const [al] = await listWebUsers(t.b.data, admin, 'agent');
    const { token } = await startWebSession(t.b.data, al!.id);
    expect(await resumeWebSession(t.b.data, token)).not.toBeNull();
    const promoted = await changeWebUserRole(t.b.data, admin, al!.id, 'admin');
    expect(promoted.role).toBe('admin');
    expect(await resumeWebSession(t.b.data, token)).toBeNull();
    const again = await startWebSession(t.b.data, al!.id);
    await disableWebUser(t.b.data, admin, al!.id);
    expect(await resumeWebSession(t.b.data, again.token)).toBeNull();
    expect(await codeOf(signIn(t.b.data, { email: 'al@b.example', password: 'agent password' }, { ip, throttle: throttle() }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(disableWebUser(t.b.data, admin, admin.id))).toBe('BAD_USER_INPUT');
    expect(await codeOf(disableWebUser(t.a.data, admin, al!.id))).toBe('NOT_FOUND');
  });
});
