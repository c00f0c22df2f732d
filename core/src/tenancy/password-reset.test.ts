import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, passwordResets, webSessions } from '../db/tenant-schema.js';
import { listMail } from '../domain/mail/index.js';
import { openTenants, type Tenants } from '../plugins/host/test-fixtures.js';
import { requestPasswordReset, resetPassword } from './password-reset.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { signIn, signUpCustomer } from './web-users.js';
import { pruneWebSessions, resumeWebSession, startWebSession } from './web-sessions.js';

let t: Tenants;
beforeAll(async () => { t = await openTenants(); });
afterAll(() => t.close());

const codeOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: { code?: string }) => e.code ?? String(e));
const mail = { siteName: 'Acme', link: (token: string) => `https://help.acme.com/t/acme/portal/reset?token=${token}` };
const tokenIn = (text: string) => /token=([A-Za-z0-9_-]{43})/.exec(text)![1]!;
const signInWith = (password: string) => codeOf(signIn(t.a.data, { email: 'rita@example.com', password }, { ip: '198.51.100.1', throttle: new SignInThrottle() }));

describe('password reset', () => {
  it('answers the same for unknown addresses and mails nothing', async () => {
    await expect(requestPasswordReset(t.a.data, 'nobody@example.com', mail)).resolves.toBeUndefined();
    await expect(requestPasswordReset(t.a.data, 42, mail)).resolves.toBeUndefined();
    expect(await listMail(t.a.data)).toEqual([]);
  });

  it('mails a single-use link that sets the password and ends every session', async () => {
    const user = await signUpCustomer(t.a.data, { name: 'Rita', email: 'rita@example.com', password: 'the old password' });
    const { token: sessionToken } = await startWebSession(t.a.data, user.id);
    await requestPasswordReset(t.a.data, ' RITA@example.com', mail);
    const [message] = await listMail(t.a.data);
    expect(message).toMatchObject({ to: 'rita@example.com', subject: 'Reset your Acme password', sentAt: null });
    const token = tokenIn(message!.text);
    // Only the hash is stored.
    expect((await t.a.data.db.select().from(passwordResets)).some((r) => r.id === token)).toBe(false);
    expect(await codeOf(resetPassword(t.a.data, token, 'too short'))).toBe('BAD_USER_INPUT');
    expect(await codeOf(resetPassword(t.b.data, token, 'the new password'))).toBe('RESET_LINK_INVALID');
    expect(await codeOf(resetPassword(t.a.data, token, 'the new password'))).toBe('no error');
    expect(await resumeWebSession(t.a.data, sessionToken)).toBeNull();
    expect(await signInWith('the old password')).toBe('INVALID_CREDENTIALS');
    expect(await signInWith('the new password')).toBe('no error');
    expect(await codeOf(resetPassword(t.a.data, token, 'a third password'))).toBe('RESET_LINK_INVALID');
  });

  it('refuses an expired link and spends the other open links on use', async () => {
    await requestPasswordReset(t.a.data, 'rita@example.com', mail);
    await requestPasswordReset(t.a.data, 'rita@example.com', mail);
    const [newest, older] = await listMail(t.a.data);
    const expiring = tokenIn(older!.text);
    const rows = await t.a.data.db.select().from(passwordResets);
    for (const r of rows) await t.a.data.db.update(passwordResets).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(passwordResets.id, r.id));
    expect(await codeOf(resetPassword(t.a.data, expiring, 'expired password'))).toBe('RESET_LINK_INVALID');
    for (const r of rows) await t.a.data.db.update(passwordResets).set({ expiresAt: new Date(Date.now() + 60_000) }).where(eq(passwordResets.id, r.id));
    expect(await codeOf(resetPassword(t.a.data, tokenIn(newest!.text), 'fresh password'))).toBe('no error');
    expect(await codeOf(resetPassword(t.a.data, expiring, 'another password'))).toBe('RESET_LINK_INVALID');
    expect((await t.a.data.db.select().from(mailOutbox)).length).toBe(3);
  });

  it('mails at most three links per half hour, answering the same', async () => {
    // Three requests so far within the half hour (one spent, two spent by use).
    await expect(requestPasswordReset(t.a.data, 'rita@example.com', mail)).resolves.toBeUndefined();
    expect((await t.a.data.db.select().from(mailOutbox)).length).toBe(3);
    await t.a.data.db.update(passwordResets).set({ createdAt: new Date(Date.now() - 31 * 60_000) });
    await requestPasswordReset(t.a.data, 'rita@example.com', mail);
    expect((await t.a.data.db.select().from(mailOutbox)).length).toBe(4);
  });

  it('prunes spent and expired links and dead sessions', async () => {
    const user = await signUpCustomer(t.b.data, { name: 'Pru', email: 'pru@example.com', password: 'prune password' });
    const live = await startWebSession(t.b.data, user.id);
    const dead = await startWebSession(t.b.data, user.id);
    await t.b.data.db.update(webSessions).set({ lastSeenAt: new Date(Date.now() - 3 * 3600_000) }).where(eq(webSessions.id, dead.session.id));
    expect(await pruneWebSessions(t.b.data)).toBe(1);
    expect((await t.b.data.db.select().from(webSessions)).map((s) => s.id)).toEqual([live.session.id]);
    const before = (await t.a.data.db.select().from(passwordResets)).length;
    await pruneWebSessions(t.a.data);
    const after = await t.a.data.db.select().from(passwordResets);
    expect(before).toBeGreaterThan(after.length);
    expect(after.every((r) => !r.usedAt && r.expiresAt > new Date())).toBe(true);
  });
});
