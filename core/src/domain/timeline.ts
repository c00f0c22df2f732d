import { sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { cases, interactions, orders } from '../db/tenant-schema.js';
import type { TenantContext } from '../tenancy/context.js';
import { decodeCursor, encodeCursor, pageSize, type Connection, type PageArgs } from './pagination.js';
import { rowsByIds } from './rows.js';
import type { Case } from './cases.js';
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
 * index ranges however long the history; then the page's rows are loaded by id.
 */
export async function customerTimeline(
  ctx: TenantContext,
  customerId: string,
  args: PageArgs,
): Promise<Connection<TimelineItem>> {
  const limit = pageSize(args.first);
  const cursor = args.after ? decodeCursor(args.after) : null;
  const take = limit + 1;
  const branch = (kind: TimelineRef['kind'], table: SourceTable, atColumn: AnySQLiteColumn) =>
    sql`select * from (select ${kind} as kind, ${table.id} as id, ${atColumn} as at from ${table}
      where ${table.customerId} = ${customerId} ${cursor ? sql`and (${atColumn}, ${table.id}) < (${cursor[0]}, ${cursor[1]})` : sql``}
      order by ${atColumn} desc, ${table.id} desc limit ${take})`;
  const query = sql`${branch('INTERACTION', interactions, interactions.occurredAt)}
    union all ${branch('CASE', cases, cases.createdAt)}
    union all ${branch('ORDER', orders, orders.placedAt)}
    order by at desc, id desc limit ${take}`;
  const refs = (await ctx.data.db.all(query)) as TimelineRef[];
  const page = refs.slice(0, limit);
  const idsOf = (k: TimelineRef['kind']) => page.filter((r) => r.kind === k).map((r) => r.id);
  const [ints, cs, os] = await Promise.all([
    rowsByIds(ctx.data.db, interactions, idsOf('INTERACTION')),
    rowsByIds(ctx.data.db, cases, idsOf('CASE')),
    rowsByIds(ctx.data.db, orders, idsOf('ORDER')),
  ]);
  const edges = page.flatMap((r) => {
    const item = r.kind === 'INTERACTION' ? ints.get(r.id) : r.kind === 'CASE' ? cs.get(r.id) : os.get(r.id);
    if (!item) return [];
    const node = { kind: r.kind, at: new Date(r.at), id: r.id, item } as TimelineItem;
    return [{ cursor: encodeCursor(r.at, r.id), node }];
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: refs.length > limit,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
