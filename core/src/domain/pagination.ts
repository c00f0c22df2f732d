import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { AppError } from '../lib/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page-limits.js';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };

/** Relay's cursor paging: first/after forwards, last/before backwards. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /**
   * How many rows the connection's filter matches, cursors aside. A function, so the count runs
   * only when a client selects totalCount (GraphQL's default resolver calls it).
   */
  totalCount?: () => Promise<number>;
}

export type SortDirection = 'asc' | 'desc';
type SortValue = string | number;

/** How many rows a page holds: `first` (or `last`), bounded so one request cannot ask for everything. */
export function pageSize(size: number | null | undefined, name: 'first' | 'last' = 'first'): number {
  if (size === null || size === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new AppError('BAD_USER_INPUT', `${name} must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** The page a request asks for: how many rows, and whether it counts back from `before` (or the end). */
export function pageWindow(args: PageArgs): { limit: number; backward: boolean } {
  const hasFirst = args.first !== null && args.first !== undefined;
  const backward = args.last !== null && args.last !== undefined;
  if (hasFirst && backward) throw new AppError('BAD_USER_INPUT', 'give first or last, not both');
  return { limit: backward ? pageSize(args.last, 'last') : pageSize(args.first, 'first'), backward };
}

/** Cursors are opaque to clients: base64url of the sort key and id of the row they follow. */
export function encodeCursor(sortValue: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string, name: 'after' | 'before' = 'after'): [SortValue, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) && value.length === 2 &&
      (typeof value[0] === 'string' || typeof value[0] === 'number') && typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the coded error
  }
  throw new AppError('BAD_USER_INPUT', `${name} is not a cursor this API issued`);
}

/**
 * The keyset conditions "rows after `after` and before `before`" on (sort column, id) in the
 * connection's order: one index range, however deep the page, unlike OFFSET.
 */
export function cursorRange(
  sortColumn: AnySQLiteColumn | SQL,
  idColumn: AnySQLiteColumn | SQL,
  direction: SortDirection,
  args: PageArgs,
): SQL[] {
  const conditions: SQL[] = [];
  const key = sql`(${sortColumn}, ${idColumn})`;
  if (args.after) {
    const [value, id] = decodeCursor(args.after, 'after');
    conditions.push(direction === 'desc' ? sql`${key} < (${value}, ${id})` : sql`${key} > (${value}, ${id})`);
  }
  if (args.before) {
    const [value, id] = decodeCursor(args.before, 'before');
    conditions.push(direction === 'desc' ? sql`${key} > (${value}, ${id})` : sql`${key} < (${value}, ${id})`);
  }
  return conditions;
}

/** A connection's order: the column it sorts on, the id that breaks ties, and the cursor's sort value. */
export interface Keyset<T> {
  sort: AnySQLiteColumn;
  id: AnySQLiteColumn;
  direction: SortDirection;
  sortValue: (row: T) => SortValue;
}

/** What a keyset page query runs with: the cursors' conditions, the ORDER BY and the LIMIT. */
export interface PageQuery {
  cursor: SQL[];
  orderBy: SQL[];
  limit: number;
}

const ordered = (column: AnySQLiteColumn, direction: SortDirection) =>
  (direction === 'desc' ? sql`${column} desc` : sql`${column} asc`);

/**
 * One page of a keyset-ordered list, either way. Paging backwards reads the same index range in
 * the opposite order with the same LIMIT (as cheap as paging forwards), then reverses the rows so
 * edges are always in the connection's order. `fetch` runs the query; `count` is totalCount.
 */
export async function keysetPage<T extends { id: string }>(
  args: PageArgs,
  keyset: Keyset<T>,
  fetch: (query: PageQuery) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Connection<T>> {
  const { limit, backward } = pageWindow(args);
  const readDirection: SortDirection = backward === (keyset.direction === 'desc') ? 'asc' : 'desc';
  const rows = await fetch({
    cursor: cursorRange(keyset.sort, keyset.id, keyset.direction, args),
    orderBy: [ordered(keyset.sort, readDirection), ordered(keyset.id, readDirection)],
    limit: limit + 1,
  });
  // The extra row only says there is more in the reading direction.
  return toConnection(rows.slice(0, limit), rows.length > limit, backward, args, keyset.sortValue, count);
}

/**
 * A page's rows, as read (newest-last when paging backwards), into a connection in the
 * connection's order; `more` says whether rows remain beyond them in the reading direction.
 */
export function toConnection<T extends { id: string }>(
  read: T[],
  more: boolean,
  backward: boolean,
  args: PageArgs,
  sortValue: (row: T) => SortValue,
  count: () => Promise<number>,
): Connection<T> {
  const page = backward ? [...read].reverse() : read;
  const edges = page.map((node) => ({ cursor: encodeCursor(sortValue(node), node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? Boolean(args.before) : more,
      hasPreviousPage: backward ? more : Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: count,
  };
}

export const timeKey = (d: Date): number => d.getTime();
