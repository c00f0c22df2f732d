import { eq, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { cases, interactions, orders } from '../db/tenant-schema.js';
import type { TenantContext } from '../tenancy/context.js';
import { cursorRange, pageWindow, toConnection, type Connection, type PageArgs } from './pagination.js';
import { countRows, rowsByIds } from './rows.js';
import type { Case } from './cases.js';
import type { LiveEvent } from './live-events.js';
import type { Interaction } from './interactions.js';
import type { Order } from './orders.js';

export type TimelineItem =
  | { kind: 'INTERACTION'; at: Date; id: string; item: Interaction }
  | { kind: 'CASE'; at: Date; id: string; item: Case }
  | { kind: 'ORDER'; at: Date; id: string; item: Order };

type SourceTable = typeof interactions | typeof cases | typeof orders;

interface TimelineRef {
  kind: TimelineItem['kind'];
  id: string;
  at: number;
}

/**
 * A customer's interactions, cases and orders, newest first, as one connection. Each source is
 * read through its (customer, time, id) index with its own LIMIT, so a page costs three short
 * index ranges however long the history, either way (last/before reads the same ranges oldest
 * first); then the page's rows are loaded by id. totalCount is three COUNTs on the same indexes.
 */
export async function customerTimeline(
  ctx: TenantContext,
  customerId: string,
  args: PageArgs,
): Promise<Connection<TimelineItem>> {
  const window = pageWindow(args);
  const read = window.backward ? sql`asc` : sql`desc`;
  const take = window.limit + 1;
  const branch = (kind: TimelineRef['kind'], table: SourceTable, atColumn: AnySQLiteColumn) =>
    sql`select * from (select ${kind} as kind, ${table.id} as id, ${atColumn} as at from ${table}
      where ${table.customerId} = ${customerId} ${sql.join(cursorRange(atColumn, table.id, 'desc', args).map((c) => sql`and ${c}`), sql` `)}
      order by ${atColumn} ${read}, ${table.id} ${read} limit ${take})`;
  const query = sql`${branch('INTERACTION', interactions, interactions.occurredAt)}
    union all ${branch('CASE', cases, cases.createdAt)}
    union all ${branch('ORDER', orders, orders.placedAt)}
    order by at ${read}, id ${read} limit ${take}`;
  const refs = (await ctx.data.db.all(query)) as TimelineRef[];
  const page = refs.slice(0, window.limit);
  const idsOf = (k: TimelineRef['kind']) => page.filter((r) => r.kind === k).map((r) => r.id);
  const [ints, cs, os] = await Promise.all([
    rowsByIds(ctx.data.db, interactions, idsOf('INTERACTION')),
    rowsByIds(ctx.data.db, cases, idsOf('CASE')),
    rowsByIds(ctx.data.db, orders, idsOf('ORDER')),
  ]);
  const items = page.flatMap((r) => {
    const item = r.kind === 'INTERACTION' ? ints.get(r.id) : r.kind === 'CASE' ? cs.get(r.id) : os.get(r.id);
    return item ? [{ kind: r.kind, at: new Date(r.at), id: r.id, item } as TimelineItem] : [];
  });
  const more = refs.length > window.limit;
  return toConnection(items, more, window.backward, args, (i) => i.at.getTime(), () => countTimeline(ctx, customerId));
}

async function countTimeline(ctx: TenantContext, customerId: string): Promise<number> {
  const counts = await Promise.all([interactions, cases, orders].map((table) => countRows(ctx.data.db, table, eq(table.customerId, customerId))));
  return counts.reduce((a, b) => a + b, 0);
}

/** The timeline entry a live event adds (as customerTimeline lists it), or null when it adds none. */
export function timelineItemOfEvent(e: LiveEvent): TimelineItem | null {
  switch (e.type) {
    case 'interaction.added': return { kind: 'INTERACTION', at: e.interaction.occurredAt, id: e.interaction.id, item: e.interaction };
    case 'case.created': return { kind: 'CASE', at: e.case.createdAt, id: e.case.id, item: e.case };
    case 'order.created': return { kind: 'ORDER', at: e.order.placedAt, id: e.order.id, item: e.order };
    default: return null;
  }
}
