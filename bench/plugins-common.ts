/**
 * What the plugin benchmarks share: the fixture plugin's bundle (built with the real SDK build),
 * SDL-shaped orders to hand it, a supervisor, and formatting of goals.
 *
 * The sandbox (`@mosaic/sandbox`, core/sandbox) is imported from its source by relative path, as
 * core is, so a change is measured without a rebuild (bench is private tooling; see README.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLogger } from '../core/src/lib/logger.js';
import {
  SandboxSupervisor, type HostFunction, type InvocationContext, type PluginBundle, type ResolverInvocation,
} from '../core/sandbox/src/index.js';
import { buildFixture } from '../core/src/plugins/testing/build-fixture.js';

/** core/src/plugins/testing/fixtures/order-badge: `Order.acme_orderBadge_label` = "<orderNumber> (<orderStatus>)". */
export const FIXTURE = 'order-badge';
export const PLUGIN_ID = 'acme.order-badge';
export const FIELD = 'acme_orderBadge_label';
export const ENTRY = { kind: 'resolver', type: 'Order', field: FIELD } as const;

/** What the fixture's resolver computes, to check every answer against. */
export const badge = (order: { orderNumber: string; orderStatus: string }): string => `${order.orderNumber} (${order.orderStatus})`;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `src` with each `from` replaced by its `to`; a fixture that changed shape fails the build here, not measures another path. */
function editFixture(src: string, edits: ReadonlyArray<[from: string, to: string]>): string {
  return edits.reduce((code, [from, to]) => {
    if (!code.includes(from)) throw new Error(`the ${FIXTURE} fixture no longer contains ${JSON.stringify(from)}`);
    return code.replace(from, to);
  }, src);
}

/**
 * A source edit for buildFixture: the fixture's field declares its input (the two fields its
 * resolver reads) instead of taking whole SDL-shaped orders, which needs the `orders:read` scope.
 */
export function declareBadgeInput(src: string): string {
  return editFixture(src, [
    [`import { definePlugin } from '@mosaic/sdk';`, `import { definePlugin, graphql } from '@mosaic/sdk';`],
    [`scopes: [],`, `scopes: ['orders:read'],`],
    [`  resolvers: {`, `  inputs: { Order: { ${FIELD}: graphql(\`fragment BadgeInput on Order { orderNumber orderStatus }\`) } },\n  resolvers: {`],
  ]);
}

/** As `declareBadgeInput`, and the field lets the host answer it again from a kept result for 60 s (resultCache). */
export function declareBadgeInputKept(src: string): string {
  return editFixture(declareBadgeInput(src), [[`  resolvers: {`, `  resultCache: { Order: { ${FIELD}: { maxAgeSeconds: 60 } } },\n  resolvers: {`]]);
}

/** The fixture built at `version` (the version is part of the code, so versions give distinct bundles). */
export async function fixtureBundle(version = '1.0.0'): Promise<PluginBundle> {
  const built = await buildFixture(FIXTURE, version);
  return { code: built.bundle, sha256: sha256(built.bundle) };
}

/** An order as plugin resolvers receive it (core's sdl-shapes.ts: global ids, ISO dates, lines). */
export interface SdlOrder {
  id: string;
  orderNumber: string;
  orderStatus: string;
  currency: string;
  total: Money;
  totalCents: number;
  lines: { sku: string; name: string; quantity: number; unitPrice: Money; lineTotal: Money; unitPriceCents: number; lineTotalCents: number }[];
  customer: { id: string };
  placedAt: string;
}

interface Money { amount: string; currency: string }
const euros = (cents: number): Money => ({ amount: (cents / 100).toFixed(2), currency: 'EUR' });

const STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURNED'];

export function sdlOrders(count: number): SdlOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const quantity = 1 + (i % 3);
    const unitPriceCents = 1_000 + 37 * i;
    return {
      id: Buffer.from(`Order:01JBENCH${String(i).padStart(10, '0')}`).toString('base64url'),
      orderNumber: `ORD-${String(i + 1).padStart(6, '0')}`,
      orderStatus: STATUSES[i % STATUSES.length]!,
      currency: 'EUR',
      total: euros(quantity * unitPriceCents),
      totalCents: quantity * unitPriceCents,
      lines: [{
        sku: `SKU-${i % 97}`, name: `Widget ${i % 97}`, quantity, unitPrice: euros(unitPriceCents), lineTotal: euros(quantity * unitPriceCents),
        unitPriceCents, lineTotalCents: quantity * unitPriceCents,
      }],
      customer: { id: Buffer.from('Customer:01JBENCHCUSTOMER').toString('base64url') },
      placedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    };
  });
}

export function invocationContext(tenant: string, installation: string): InvocationContext {
  return {
    tenant: { id: `${tenant}-id`, slug: tenant },
    installation: { id: installation, pluginId: PLUGIN_ID, version: '1.0.0' },
    config: {},
  };
}

export function resolverInvocation(installationKey: string, bundle: PluginBundle, parents: readonly unknown[], tenant = 'bench'): ResolverInvocation {
  return { installationKey, bundle, context: invocationContext(tenant, installationKey), entry: ENTRY, parents, args: {} };
}

/** The fixture makes no host calls; any would be refused. */
export const noHost: HostFunction = async (capability) => {
  throw Object.assign(new Error(`${capability} is not granted`), { code: 'FORBIDDEN' });
};

export const quietLogger = createLogger('silent');

export async function startSupervisor(options: { workers?: number; maxWarmInstallations: number }): Promise<SandboxSupervisor> {
  // The memory runs warm up to 1 000 isolates (≈ 1.2 GB) to see the LRU bound the worker's RSS:
  // the worker's RSS ceiling must not recycle it underneath them.
  const supervisor = new SandboxSupervisor({
    workers: options.workers ?? 1, maxWarmInstallations: options.maxWarmInstallations, maxWorkerRssMb: 8192, logger: quietLogger,
  });
  await supervisor.start();
  return supervisor;
}

/** Resident set size of a process in bytes (Linux), from /proc/<pid>/status VmRSS. */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export function expectLabels(value: unknown, parents: readonly SdlOrder[], what: string): void {
  const expected = parents.map(badge);
  if (JSON.stringify(value) !== JSON.stringify(expected)) {
    throw new Error(`${what}: the plugin answered ${JSON.stringify(value).slice(0, 200)}, expected ${JSON.stringify(expected).slice(0, 200)}`);
  }
}

export const fmtUs = (ms: number): string => (Number.isFinite(ms) ? (ms * 1000).toFixed(1) : '—');
export const fmtMB = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(1) : '—');
export const verdict = (value: number, goal: number): string => (Number.isFinite(value) ? (value <= goal ? 'PASS' : '**MISS**') : '—');

/** Lets a process settle between phases (GC, pending IPC), so one phase's tail does not land in the next. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
