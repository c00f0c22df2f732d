import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDb, TenantTx } from '../db/tenant-db.js';
import { agents, customers, identities, webUsers, type WebRole } from '../db/tenant-schema.js';
import { emitEvent } from '../domain/outbox.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { hashPassword, needsRehash, verifyDecoyPassword, verifyPassword } from './password-hash.js';
import { signInThrottle, type SignInThrottle } from './sign-in-throttle.js';
import { revokeUserSessions } from './web-sessions.js';

type WebUserRow = typeof webUsers.$inferSelect;
/** A web user as pages and callers see one: never the password hash. */
export type WebUser = Omit<WebUserRow, 'passwordHash'>;
export type StaffRole = Exclude<WebRole, 'customer'>;

/** Who acts in the admin pages: the signed-in web user. */
export type WebActor = Pick<WebUser, 'id' | 'role'>;

export const publicWebUser = ({ passwordHash: _hidden, ...user }: WebUserRow): WebUser => user;

/** Emails are compared trimmed and in lower case: one account per address whatever the typing. */
export const webEmail = z.string().trim().toLowerCase().max(320).pipe(z.email());
const personName = z.string().trim().min(1).max(200);
/** 10–200 characters and not only whitespace; no other composition rules (they push people to worse passwords). */
export const webPassword = z.string().min(10, 'at least 10 characters').max(200, 'at most 200 characters')
  .refine((p) => p.trim().length > 0, 'not only spaces');

const signUpInput = z.object({ name: personName, email: webEmail, password: webPassword });
const signInInput = z.object({ email: z.string().max(320), password: z.string().max(200) });
const staffInput = z.object({
  role: z.enum(['agent', 'admin']),
  name: personName,
  email: webEmail,
  password: webPassword,
  /** An existing agent to sign in as; by default the agent with this email, created when missing. */
  agentId: z.uuid().optional(),
});
const roleInput = z.enum(['agent', 'admin']);

const signUpRefused = () => new AppError('SIGN_UP_FAILED', 'an account could not be created with these details; if you already have one, sign in or reset your password');
const badCredentials = () => new AppError('INVALID_CREDENTIALS', 'this email and password do not match an account');

const isUniqueViolation = (err: unknown): boolean => {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) if (/UNIQUE constraint failed/.test(e.message)) return true;
  return false;
};

/**
 * A customer signs up in the portal: a new customers row and its web user commit together (a
 * failure leaves neither). An email that already has a web account gets the same generic
 * refusal as a lost race, without saying which. A customer already known by this email from
 * other channels still gets a new customer row: linking them needs a verified email first.
 */
export async function signUpCustomer(data: TenantDb, raw: unknown): Promise<WebUser> {
  const input = parseInput(signUpInput, raw);
  const passwordHash = await hashPassword(input.password);
  try {
    return await data.write(async (tx) => {
      if (await findByEmail(tx, input.email)) throw signUpRefused();
      const now = new Date();
      const customerId = newId();
      await tx.insert(customers).values({ id: customerId, name: input.name, email: input.email, status: 'ACTIVE', createdAt: now, updatedAt: now });
      const [held] = await tx.select({ id: identities.id }).from(identities)
        .where(and(eq(identities.kind, 'EMAIL'), eq(identities.value, input.email))).limit(1);
      if (!held) await tx.insert(identities).values({ id: newId(), customerId, kind: 'EMAIL', value: input.email, verified: false, createdAt: now });
      const user: WebUserRow = {
        id: newId(), email: input.email, name: input.name, role: 'customer', customerId, agentId: null,
        passwordHash, disabledAt: null, createdAt: now, updatedAt: now,
      };
      await tx.insert(webUsers).values(user);
      await emitEvent(tx, `web:${user.id}`, 'customer.created', customerId, { name: input.name, email: input.email });
      return publicWebUser(user);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw signUpRefused();
    throw err;
  }
}

export interface SignInOptions {
  /** The client's address, for the throttle. */
  ip: string;
  throttle?: SignInThrottle;
}

/**
 * Checks an email and password. Unknown emails, disabled accounts and wrong passwords all answer
 * INVALID_CREDENTIALS after the same scrypt work; too many failures from one address (for one
 * email, or overall) answer RATE_LIMITED before any password is checked.
 */
export async function signIn(data: TenantDb, raw: unknown, options: SignInOptions): Promise<WebUser> {
  const input = parseInput(signInInput, raw);
  const email = input.email.trim().toLowerCase();
  const throttle = options.throttle ?? signInThrottle;
  if (!throttle.allows(data.name, email, options.ip)) {
    throw new AppError('RATE_LIMITED', 'too many failed sign-ins; wait a few minutes and try again, or reset your password');
  }
  const user = await findByEmail(data.db, email);
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : await verifyDecoyPassword(input.password);
  if (!user || !ok || user.disabledAt) {
    throttle.recordFailure(data.name, email, options.ip);
    throw badCredentials();
  }
  throttle.recordSuccess(data.name, email, options.ip);
  if (needsRehash(user.passwordHash)) {
    const passwordHash = await hashPassword(input.password);
    await data.write((tx) => tx.update(webUsers).set({ passwordHash }).where(eq(webUsers.id, user.id)));
  }
  return publicWebUser(user);
}

async function findByEmail(db: TenantDb['db'] | TenantTx, email: string): Promise<WebUserRow | undefined> {
  const [row] = await db.select().from(webUsers).where(eq(webUsers.email, email)).limit(1);
  return row;
}

/** Staff management is for admins signed in to this tenant. */
export function assertWebAdmin(actor: WebActor): void {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only an admin may do this');
}

/** The web user with this id, or NOT_FOUND (also for another tenant's id: it is not in this database). */
export async function getWebUser(data: TenantDb, id: string): Promise<WebUser> {
  const [row] = await data.db.select().from(webUsers).where(eq(webUsers.id, id)).limit(1);
  if (!row) throw new AppError('NOT_FOUND', 'user not found');
  return publicWebUser(row);
}

/** The agents row an agent web user signs in as: the given one, else the one with this email, else a new one. */
async function agentFor(tx: TenantTx, email: string, name: string, agentId: string | undefined, actor: string): Promise<string> {
  if (agentId) {
    const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId)).limit(1);
    if (!agent) throw new AppError('NOT_FOUND', 'Agent not found');
    return agent.id;
  }
  const [byEmail] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.email, email)).limit(1);
  if (byEmail) return byEmail.id;
  const id = newId();
  await tx.insert(agents).values({ id, name, email, createdAt: new Date() });
  await emitEvent(tx, actor, 'agent.created', id, { name });
  return id;
}

/** An admin creates an agent or admin web user; an agent is tied to an agents row in the same transaction. */
export async function createStaffUser(data: TenantDb, actor: WebActor, raw: unknown): Promise<WebUser> {
  assertWebAdmin(actor);
  const input = parseInput(staffInput, raw);
  if (input.agentId && input.role !== 'agent') throw new AppError('BAD_USER_INPUT', 'only an agent user is tied to an agent');
  const passwordHash = await hashPassword(input.password);
  try {
    return await data.write(async (tx) => {
      if (await findByEmail(tx, input.email)) throw new AppError('CONFLICT', `a user with email ${input.email} already exists`);
      const agentId = input.role === 'agent' ? await agentFor(tx, input.email, input.name, input.agentId, `web:${actor.id}`) : null;
      const now = new Date();
      const user: WebUserRow = {
        id: newId(), email: input.email, name: input.name, role: input.role, customerId: null, agentId,
        passwordHash, disabledAt: null, createdAt: now, updatedAt: now,
      };
      await tx.insert(webUsers).values(user);
      return publicWebUser(user);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', `a user with email ${input.email} already exists`);
    throw err;
  }
}

/** The tenant's web users of one role (or all), oldest first, at most 500. */
export async function listWebUsers(data: TenantDb, actor: WebActor, role?: WebRole): Promise<WebUser[]> {
  assertWebAdmin(actor);
  const rows = await data.db.select().from(webUsers)
    .where(role ? eq(webUsers.role, parseInput(z.enum(['customer', 'agent', 'admin']), role)) : undefined)
    .orderBy(asc(webUsers.createdAt), asc(webUsers.id)).limit(500);
  return rows.map(publicWebUser);
}

/** Disables a user and ends their sessions at once. Admins cannot disable themselves (no lock-out by mistake). */
export async function disableWebUser(data: TenantDb, actor: WebActor, userId: string): Promise<WebUser> {
  assertWebAdmin(actor);
  if (userId === actor.id) throw new AppError('BAD_USER_INPUT', 'you cannot disable your own account');
  return data.write(async (tx) => {
    const [row] = await tx.update(webUsers).set({ disabledAt: new Date(), updatedAt: new Date() }).where(eq(webUsers.id, userId)).returning();
    if (!row) throw new AppError('NOT_FOUND', 'user not found');
    await revokeUserSessions(tx, userId);
    return publicWebUser(row);
  });
}

/**
 * Makes a staff user an agent or an admin. Their sessions end so the new rights apply from the
 * next sign-in; a new agent is tied to an agents row. Customers stay customers.
 */
export async function changeWebUserRole(data: TenantDb, actor: WebActor, userId: string, rawRole: unknown): Promise<WebUser> {
  assertWebAdmin(actor);
  const role = parseInput(roleInput, rawRole);
  if (userId === actor.id) throw new AppError('BAD_USER_INPUT', 'you cannot change your own role');
  return data.write(async (tx) => {
    const [current] = await tx.select().from(webUsers).where(eq(webUsers.id, userId)).limit(1);
    if (!current) throw new AppError('NOT_FOUND', 'user not found');
    if (current.role === 'customer') throw new AppError('BAD_USER_INPUT', 'a customer account cannot become staff; create a staff user instead');
    const agentId = role === 'agent' ? current.agentId ?? await agentFor(tx, current.email, current.name, undefined, `web:${actor.id}`) : current.agentId;
    const [row] = await tx.update(webUsers).set({ role, agentId, updatedAt: new Date() }).where(eq(webUsers.id, userId)).returning();
    await revokeUserSessions(tx, userId);
    return publicWebUser(row!);
  });
}
