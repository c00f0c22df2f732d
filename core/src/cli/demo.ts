import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, count, eq, inArray, isNull, ne } from 'drizzle-orm';
import { apiKeys, auditLog } from '../db/control-schema.js';
import { agents, customers, webUsers } from '../db/tenant-schema.js';
import type { Platform } from '../platform.js';
import { seedDemoSla } from '../domain/sla/index.js';
import { seedDemoChannels } from '../domain/intake/demo.js';
import { seedTenant } from '../seed/index.js';
import { createApiKey, revokeApiKey } from '../tenancy/api-keys.js';
import { recordAudit } from '../tenancy/audit.js';
import { seedWebUsers } from '../tenancy/seed-web-users.js';
import { createTenant, findTenantBySlug, listTenants } from '../tenancy/tenants.js';
import { progressReporter } from './progress.js';

/** One person's sign-in to the demo's web pages. */
export interface DemoSignIn {
  email: string;
  password: string;
}

/** The demo's customer (portal), agent (console) and admin (admin pages) sign-ins. */
export interface DemoSignIns {
  customer: DemoSignIn;
  agent: DemoSignIn;
  admin: DemoSignIn;
}

export interface DemoCredentials {
  tenant: string;
  keys: { admin: string; agent: string; integrator: string };
  signIns: DemoSignIns;
}

/**
 * What the start did for the demo: made it now (`created`), finished one an earlier start left
 * half made (`completed`), or found it whole (`ready`; its keys were shown when it was made).
 */
export type DemoBootstrap =
  | { status: 'created' | 'completed'; credentials: DemoCredentials; credentialsFile: string | null }
  | { status: 'ready'; tenant: string; credentialsFile: string | null; signIns: DemoSignIns | null };

const DEMO_SLUG = 'demo';
const DEMO_CUSTOMERS = 500;
const BOOTSTRAP_ACTOR = 'bootstrap';
/** Audit action written last: a demo tenant without it was interrupted while being made. */
const DEMO_READY = 'demo.ready';
/** Keys the bootstrap makes; a half-made demo's keys were never shown, so they are replaced. */
const BOOTSTRAP_KEY_LABELS = ['initial admin key', 'demo admin', 'demo agent', 'demo integrator'];

/**
 * On a platform with no tenants yet, creates the `demo` tenant with sample data and one key per
 * role, so a newcomer has something to query. The keys are also written (owner-only) to the data
 * folder, since they are shown only once. A start killed half way (e.g. during seeding) leaves a
 * demo without its completion mark; the next start finishes it and shows fresh keys.
 */
export async function bootstrapDemo(platform: Platform): Promise<DemoBootstrap | null> {
  const control = platform.control.db;
  const credentialsFile = platform.config.database.kind === 'embedded'
    ? join(platform.config.database.dataDir, 'demo-credentials.json')
    : null;
  const demo = await findTenantBySlug(control, DEMO_SLUG);
  if (!demo) {
    if ((await listTenants(control)).length > 0) return null;
    const { tenant } = await createTenant(control, platform.tenants, { slug: DEMO_SLUG, name: 'Demo Outfitters' }, BOOTSTRAP_ACTOR);
    return { status: 'created', credentials: await finishDemo(platform, tenant.id, credentialsFile), credentialsFile };
  }
  if (!(await madeByBootstrap(platform, demo.id))) return null;
  // A credentials file is written only after the keys exist (and by demos made before the mark).
  if (await isMarkedReady(platform, demo.id) || (credentialsFile && existsSync(credentialsFile))) {
    const saved = credentialsFile && existsSync(credentialsFile) ? credentialsFile : null;
    return { status: 'ready', tenant: DEMO_SLUG, credentialsFile: saved, signIns: await addMissingSignIns(platform, demo.id, saved) };
  }
  return { status: 'completed', credentials: await finishDemo(platform, demo.id, credentialsFile), credentialsFile };
}

/** Seeds up to the demo's size, issues the keys, saves them, then marks the demo ready. */
async function finishDemo(platform: Platform, tenantId: string, credentialsFile: string | null): Promise<DemoCredentials> {
  const control = platform.control.db;
  const data = await platform.tenants.get(tenantId);
  const [seeded] = await data.db.select({ n: count() }).from(customers);
  const missing = DEMO_CUSTOMERS - (seeded?.n ?? 0);
  if (missing > 0) await seedTenant(data, { customers: missing, seed: 42, onProgress: progressReporter('seeding demo tenant') });
  const setup = { tenantId, tenantSlug: DEMO_SLUG, role: 'admin', actor: BOOTSTRAP_ACTOR, data } as const;
  await seedDemoSla(setup);
  await seedDemoChannels(setup, platform.plugins.installer.vault);

  const unshown = await control.select({ id: apiKeys.id }).from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt), inArray(apiKeys.label, BOOTSTRAP_KEY_LABELS)));
  for (const key of unshown) await revokeApiKey(control, tenantId, key.id);
  // The demo agent key speaks for the first seeded agent, so it can set that agent's presence.
  const [firstAgent] = await data.db.select({ id: agents.id }).from(agents).orderBy(asc(agents.createdAt), asc(agents.id)).limit(1);
  const admin = await createApiKey(control, { tenantId, role: 'admin', label: 'demo admin' });
  const agent = await createApiKey(control, { tenantId, role: 'agent', label: 'demo agent', agentId: firstAgent?.id });
  const integrator = await createApiKey(control, { tenantId, role: 'integrator', label: 'demo integrator' });
  const signIns = await makeSignIns(platform, tenantId);
  const credentials: DemoCredentials = { tenant: DEMO_SLUG, keys: { admin: admin.apiKey, agent: agent.apiKey, integrator: integrator.apiKey }, signIns };
  if (credentialsFile) writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await recordAudit(control, { tenantId, actor: BOOTSTRAP_ACTOR, action: DEMO_READY, target: DEMO_SLUG });
  return credentials;
}

/** Web sign-ins for the demo's customer, agent and admin, each with a fresh random password. */
async function makeSignIns(platform: Platform, tenantId: string): Promise<DemoSignIns> {
  const password = () => randomBytes(12).toString('base64url');
  const passwords = { customer: password(), agent: password(), admin: password() };
  const made = await seedWebUsers(await platform.tenants.get(tenantId), {
    customerPassword: passwords.customer, agentPassword: passwords.agent, adminPassword: passwords.admin, adminEmail: 'admin@demo.example',
  });
  return {
    customer: { email: made.customer.email, password: passwords.customer },
    agent: { email: made.agent.email, password: passwords.agent },
    admin: { email: made.admin.email, password: passwords.admin },
  };
}

/**
 * A demo made before the web pages had sign-ins gets them now (shown once, and added to the saved
 * credentials); one that has them is left alone, since its passwords were shown when made.
 */
async function addMissingSignIns(platform: Platform, tenantId: string, credentialsFile: string | null): Promise<DemoSignIns | null> {
  const data = await platform.tenants.get(tenantId);
  const [someone] = await data.db.select({ id: webUsers.id }).from(webUsers).limit(1);
  if (someone) return null;
  const signIns = await makeSignIns(platform, tenantId);
  if (credentialsFile) {
    const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as Partial<DemoCredentials>;
    writeFileSync(credentialsFile, `${JSON.stringify({ ...saved, signIns }, null, 2)}\n`, { mode: 0o600 });
  }
  return signIns;
}

/** A `demo` tenant someone created by hand (its creation audited under another actor) is theirs. */
async function madeByBootstrap(platform: Platform, tenantId: string): Promise<boolean> {
  const [byOther] = await platform.control.db.select({ id: auditLog.id }).from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'tenant.create'), ne(auditLog.actor, BOOTSTRAP_ACTOR))).limit(1);
  return !byOther;
}

async function isMarkedReady(platform: Platform, tenantId: string): Promise<boolean> {
  const [mark] = await platform.control.db.select({ id: auditLog.id }).from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, DEMO_READY))).limit(1);
  return Boolean(mark);
}
