import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { AppError } from '../lib/errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
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
}

export type SortDirection = 'asc' | 'desc';
type SortValue = string | number;

/** How many rows a page holds: `first`, bounded so one request cannot ask for everything. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new AppError('BAD_USER_INPUT', `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Cursors are opaque to clients: base64url of the sort key and id of the row they follow. */
export function encodeCursor(sortValue: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [SortValue, string] {
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
  throw new AppError('BAD_USER_INPUT', 'after is not a cursor this API issued');
}

/**
 * The keyset condition "rows after the cursor" on (sort column, id): one index range, however
 * deep the page, unlike OFFSET.
 */
export function afterCursor(
  sortColumn: AnySQLiteColumn | SQL,
  idColumn: AnySQLiteColumn | SQL,
  direction: SortDirection,
  after: string | null | undefined,
): SQL | undefined {
  if (!after) return undefined;
  const [value, id] = decodeCursor(after);
  return direction === 'desc'
    ? sql`(${sortColumn}, ${idColumn}) < (${value}, ${id})`
    : sql`(${sortColumn}, ${idColumn}) > (${value}, ${id})`;
}

/** Turns `limit + 1` fetched rows into a connection; the extra row only says there is more. */
export function toConnection<T extends { id: string }>(
  rows: T[],
  limit: number,
  sortValue: (row: T) => SortValue,
  hasPrevious: boolean,
): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(sortValue(node), node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const timeKey = (d: Date): number => d.getTime();
