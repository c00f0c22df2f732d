// Test support: real embedded tenant databases, seeded through the domain, and host functions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawJson } from '@mosaic/sandbox';
import { expect } from 'vitest';
import { TenantDatabases } from '../../db/tenant-db.js';
import { createAccount } from '../../domain/accounts.js';
import { createCustomer, type Customer } from '../../domain/customers.js';
import { createOrder, type Order } from '../../domain/orders.js';
import { newId } from '../../lib/ids.js';
import type { AuditEntry } from '../../tenancy/audit.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createHostFunction, type HostError, type HostErrorCode, type InvocationCause } from './index.js';
import type { HostEgressSettings, HostLimits, HostLogEntry, HostUsage, SharedReads } from './types.js';

export const PLUGIN_ID = 'acme.helpdesk';
export const ALL_SCOPES = ['customers:read', 'orders:read', 'cases:read', 'cases:write', 'interactions:write', 'storage'];

export const TEST_LIMITS: HostLimits = {
  storageQuotaBytes: 64 * 1024,
  maxStorageValueBytes: 16 * 1024,
  maxFetchesPerCall: 5,
  maxFetchBytesPerCall: 256 * 1024,
  maxEmitsPerCall: 5,
};

export interface Tenants {
  a: TenantContext;
  b: TenantContext;
  close(): Promise<void>;
}

/** Two tenants, each with its own embedded database in a fresh temp dir. */
export async function openTenants(): Promise<Tenants> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-host-'));
  const dbs = new TenantDatabases({ kind: 'embedded', dataDir });
  const context = async (slug: string): Promise<TenantContext> => {
    const tenantId = newId();
    return { tenantId, tenantSlug: slug, role: 'admin', actor: 'test', data: await dbs.get(tenantId) };
  };
  return {
    a: await context('a'),
    b: await context('b'),
    async close() {
      await dbs.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HostOptions {
  scopes?: string[];
  egress?: string[];
  pluginId?: string;
  installationId?: string;
  secrets?: Record<string, string>;
  egressSettings?: HostEgressSettings;
  limits?: Partial<HostLimits>;
  /** Default: an event handler (the installation acts on its own, so writes are allowed). */
  cause?: InvocationCause;
  /** Reads shared with other host functions of the same page render. */
  sharedReads?: SharedReads;
}

/** A host function for one invocation, with the log lines, usage and audit rows it produced. */
export function hostFor(tenant: TenantContext, options: HostOptions = {}) {
  const logs: HostLogEntry[] = [];
  const audits: AuditEntry[] = [];
  const usage: HostUsage = { fetches: 0, fetchBytes: 0 };
  const pluginId = options.pluginId ?? PLUGIN_ID;
  const hostAtTheBoundary = createHostFunction({
    tenant,
    installation: {
      id: options.installationId ?? `inst-${pluginId}`,
      pluginId,
      version: '1.0.0',
      grantedScopes: options.scopes ?? ALL_SCOPES,
      grantedEgress: options.egress ?? [],
    },
    secrets: options.secrets ?? {},
    egress: options.egressSettings ?? {},
    limits: { ...TEST_LIMITS, ...options.limits },
    cause: options.cause ?? { entry: 'event' },
    audit: async (entry) => void audits.push(entry),
    log: (entry) => logs.push(entry),
    usage,
    sharedReads: options.sharedReads,
  });
  // What the plugin receives: a stored value read as JSON text is parsed on its side of the boundary.
  const host = async (capability: string, args: unknown): Promise<unknown> => {
    const value = await hostAtTheBoundary(capability, args);
    return value instanceof RawJson ? (JSON.parse(value.json) as unknown) : value;
  };
  return { host, logs, usage, audits };
}

/** The HostError a call was refused with, after checking its code. */
export async function refusal(call: Promise<unknown>, code: HostErrorCode): Promise<HostError> {
  const error = await call.then(
    () => expect.fail(`expected ${code}, but the call succeeded`),
    (e: unknown) => e as HostError,
  );
  expect(error).toMatchObject({ name: 'HostError', code });
  return error;
}

let phones = 0;

/** A customer with an account, a phone and a social identity, as an API user would create it. */
export async function seedCustomer(tenant: TenantContext, name = 'Ada Lovelace'): Promise<Customer> {
  const account = await createAccount(tenant, { name: `${name}'s company` });
  const handle = name.toLowerCase().replace(/\W+/g, '.');
  return createCustomer(tenant, {
    name,
    email: `${handle}@example.com`,
    phone: `+44 20 7946 ${String(phones++).padStart(4, '0')}`,
    accountId: account.id,
    identities: [{ kind: 'SOCIAL', value: `@${handle}`, provider: 'mastodon' }],
  });
}

export function seedOrder(tenant: TenantContext, customer: Customer, placedAt = new Date('2024-05-01T12:00:00Z')): Promise<Order> {
  return createOrder(tenant, {
    customerId: customer.id,
    currency: 'eur',
    status: 'PAID',
    placedAt,
    lines: [
      { sku: 'KB-1', name: 'Keyboard', quantity: 2, unitPriceCents: 4_500 },
      { sku: 'MS-1', name: 'Mouse', quantity: 1, unitPriceCents: 2_000 },
    ],
  });
}
