/** A routing world for tests: a real tenant database with agents, queues, customers and cases. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, inArray } from 'drizzle-orm';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import { cases, outbox } from '../../db/tenant-schema.js';
import { newId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createAgent, createQueue } from '../agents.js';
import { createCase, type Case } from '../cases.js';
import { createCustomer } from '../customers.js';
import { configureQueueRouting } from './config.js';

export interface RoutingWorld {
  dir: string;
  data: TenantDb;
  admin: TenantContext;
  /** A context acting as the agent (an agent key tied to them). */
  as(agentId: string): TenantContext;
  agent(name: string, skills?: { skill: string; level: number }[], capacity?: number, status?: 'ONLINE' | 'AWAY' | 'OFFLINE'): Promise<string>;
  queue(name: string, routing?: Record<string, unknown>): Promise<string>;
  kase(queueId: string | null, channel?: string | null, subject?: string): Promise<Case>;
  /** Many NEW email cases in one transaction (for volume tests); their ids, oldest first. */
  bulkCases(queueId: string, count: number, channel?: Case['channel']): Promise<string[]>;
  /** Outbox events of these types, oldest first. */
  events(types: string[]): Promise<{ type: string; subjectId: string; payload: Record<string, unknown> }[]>;
  close(): Promise<void>;
}

export async function routingWorld(): Promise<RoutingWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-routing-'));
  const config = { kind: 'embedded' as const, dataDir: dir };
  const databases = new TenantDatabases(config);
  const tenantId = newId();
  const data = await databases.provision(tenantId);
  const admin: TenantContext = { tenantId, tenantSlug: 'routing', role: 'admin', actor: 'test', data };
  const customerId = (await createCustomer(admin, { name: 'Rita Routed' })).id;
  let n = 0;
  return {
    dir, data, admin,
    as: (agentId) => ({ ...admin, role: 'agent', actor: `key-${agentId}`, agentId }),
    async agent(name, skills = [], capacity = 6, status = 'ONLINE') {
      return (await createAgent(admin, { name, email: `${name.toLowerCase()}-${++n}@support.example`, status, capacity, skills })).id;
    },
    async queue(name, routing) {
      const id = (await createQueue(admin, { name })).id;
      if (routing) await configureQueueRouting(admin, { queueId: id, ...routing });
      return id;
    },
    kase: (queueId, channel = 'EMAIL', subject = `Case ${++n}`) => createCase(admin, { customerId, subject, queueId, channel }),
    async bulkCases(queueId, count, channel = 'EMAIL') {
      const base = Date.now();
      const rows: (typeof cases.$inferInsert)[] = Array.from({ length: count }, (_, i) => ({
        id: newId(), number: 1_000_000 + ++n, customerId, subject: `Bulk ${n}`, description: null, status: 'NEW', priority: 'NORMAL',
        channel, queueId, assigneeId: null, createdAt: new Date(base + i), updatedAt: new Date(base + i),
      }));
      await data.write(async (tx) => {
        for (let i = 0; i < rows.length; i += 500) await tx.insert(cases).values(rows.slice(i, i + 500));
      });
      return rows.map((r) => r.id!);
    },
    async events(types) {
      const rows = await data.db.select().from(outbox).where(inArray(outbox.type, types)).orderBy(asc(outbox.createdAt), asc(outbox.id));
      return rows.map((r) => ({ type: r.type, subjectId: r.subjectId, payload: r.payload as Record<string, unknown> }));
    },
    async close() {
      await databases.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
