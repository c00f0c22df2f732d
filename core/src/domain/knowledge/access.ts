import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../../db/tenant-db.js';
import { knowledgeArticles } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { PortalTenant } from '../portal-customer.js';

/**
 * Who reads the knowledge base: `public` (portal visitors and customers) sees PUBLIC articles,
 * `staff` (agents and integrators: API keys are staff credentials) INTERNAL ones too and its own
 * drafts, `admin` everything.
 */
export type KnowledgeAudience = 'public' | 'staff' | 'admin';

/** A reader of the knowledge base: the tenant's data, the audience and who it is (for drafts). */
export interface KnowledgeReader {
  readonly data: TenantDb;
  readonly audience: KnowledgeAudience;
  /** The actor whose drafts this reader sees (articles' `createdBy`); null for the public. */
  readonly actor: string | null;
}

/** The reader an API or console caller is. */
export function staffReader(ctx: TenantContext): KnowledgeReader {
  return { data: ctx.data, audience: ctx.role === 'admin' ? 'admin' : 'staff', actor: ctx.actor };
}

/** The reader any portal visitor is, signed in or not. */
export function publicReader(tenant: PortalTenant): KnowledgeReader {
  return { data: tenant.data, audience: 'public', actor: null };
}

/** The SQL condition for the articles `reader` may read (undefined: all of them). */
export function visibleTo(reader: KnowledgeReader): SQL | undefined {
  switch (reader.audience) {
    case 'admin': return undefined;
    case 'public': return eq(knowledgeArticles.visibility, 'PUBLIC');
    case 'staff': {
      const shared = inArray(knowledgeArticles.visibility, ['PUBLIC', 'INTERNAL']);
      return reader.actor ? or(shared, and(eq(knowledgeArticles.visibility, 'DRAFT'), eq(knowledgeArticles.createdBy, reader.actor))) : shared;
    }
  }
}

/** The same rule as visibleTo, for one article already loaded. */
export function mayRead(reader: KnowledgeReader, article: { visibility: string; createdBy: string | null }): boolean {
  switch (reader.audience) {
    case 'admin': return true;
    case 'public': return article.visibility === 'PUBLIC';
    case 'staff': return article.visibility !== 'DRAFT' || (reader.actor !== null && article.createdBy === reader.actor);
  }
}
