import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webSessions, webUsers } from '../db/tenant-schema.js';
import { openTenants, type Tenants } from '../plugins/host/test-fixtures.js';
import { csrfTokenFor, csrfTokenMatches, endWebSession, resumeWebSession, startWebSession } from './web-sessions.js';

let t: Tenants;
const lifetimes = { idleMs: 10 * 60_000, absoluteMs: 60 * 60_000 };
beforeAll(async () => {
  t = await openTenants();
  const now = new Date();
  await t.a.data.db.insert(webUsers).values({ id: 'u1', email: 'u1@a.example', name: 'U1', role: 'customer', passwordHash: 'x', createdAt: now, updatedAt: now });
});
afterAll(() => t.close());

describe('web sessions', () => {
  it('keeps only the SHA-256 of the 256-bit token and resumes with the token', async () => {
    const { token, session } = await startWebSession(t.a.data, 'u1', null, lifetimes);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(session.id).toBe(createHash('sha256').update(token).digest('hex'));
    const rows = await t.a.data.db.select().from(webSessions);
    expect(rows.some((r) => Object.values(r).includes(token))).toBe(false);
    expect((await resumeWebSession(t.a.data, token, lifetimes))?.user).toMatchObject({ id: 'u1', email: 'u1@a.example' });
    expect(await resumeWebSession(t.a.data, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), lifetimes)).toBeNull();
  });

  it('ends after the idle time, and after the absolute time however active', async () => {
    const idle = await startWebSession(t.a.data, 'u1', null, lifetimes);
    const start = idle.session.createdAt.getTime();
    expect(await resumeWebSession(t.a.data, idle.token, lifetimes, new Date(start + lifetimes.idleMs - 1))).not.toBeNull();
    const last = start + lifetimes.idleMs - 1;
    expect(await resumeWebSession(t.a.data, idle.token, lifetimes, new Date(last + lifetimes.idleMs))).toBeNull();
    expect(await t.a.data.db.select().from(webSessions).where(eq(webSessions.id, idle.session.id))).toEqual([]);

    const busy = await startWebSession(t.a.data, 'u1', null, lifetimes);
    let now = busy.session.createdAt.getTime();
    // Active every 5 minutes: never idle, yet over at the absolute limit.
    while (now + 5 * 60_000 < busy.session.expiresAt.getTime()) {
      now += 5 * 60_000;
      expect(await resumeWebSession(t.a.data, busy.token, lifetimes, new Date(now))).not.toBeNull();
    }
    expect(await resumeWebSession(t.a.data, busy.token, lifetimes, busy.session.expiresAt)).toBeNull();
  });

  it('rotates on sign-in and ends on sign-out', async () => {
    const first = await startWebSession(t.a.data, 'u1', null, lifetimes);
    const second = await startWebSession(t.a.data, 'u1', first.token, lifetimes);
    expect(second.token).not.toBe(first.token);
    expect(await resumeWebSession(t.a.data, first.token, lifetimes)).toBeNull();
    expect(await resumeWebSession(t.a.data, second.token, lifetimes)).not.toBeNull();
    await endWebSession(t.a.data, second.token);
    expect(await resumeWebSession(t.a.data, second.token, lifetimes)).toBeNull();
  });

  it('a session of tenant A does not validate in tenant B', async () => {
    const { token } = await startWebSession(t.a.data, 'u1', null, lifetimes);
    expect(await resumeWebSession(t.b.data, token, lifetimes)).toBeNull();
    expect(await resumeWebSession(t.a.data, token, lifetimes)).not.toBeNull();
  });

  it('derives a per-session CSRF token that only matches its own session', async () => {
    const a = await startWebSession(t.a.data, 'u1', null, lifetimes);
    const b = await startWebSession(t.a.data, 'u1', null, lifetimes);
    const token = csrfTokenFor(a.session);
    expect(csrfTokenMatches(a.session, token)).toBe(true);
    expect(csrfTokenMatches(b.session, token)).toBe(false);
    expect(csrfTokenMatches(a.session, undefined)).toBe(false);
    expect(csrfTokenMatches(a.session, `${token}x`)).toBe(false);
  });
});
