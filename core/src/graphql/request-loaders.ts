import DataLoader from 'dataloader';
import type { GraphQLContext } from './context.js';
import { databaseBatch } from './loaders.js';

/**
 * Loaders a schema module adds to each request: made on first use and dropped with the request
 * (keyed by the request's own loaders object, which a subscription renews for every event).
 * @example
 * const loaders = perRequest((ctx) => ({ tags: mapLoader((ids) => tagsOf(ctx.tenant, ids), []) }));
 * loaders(ctx).tags.load(caseId);
 */
export function perRequest<T extends object>(make: (ctx: GraphQLContext) => T): (ctx: GraphQLContext) => T {
  const made = new WeakMap<object, T>();
  return (ctx) => {
    let found = made.get(ctx.loaders);
    if (!found) made.set(ctx.loaders, (found = make(ctx)));
    return found;
  };
}

/** A DataLoader over a batch read that answers a Map by key; keys it leaves out get `missing`. */
export function mapLoader<V>(load: (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>, missing: V): DataLoader<string, V> {
  return new DataLoader(async (keys) => {
    const found = await load(keys);
    return keys.map((key) => found.get(key) ?? missing);
  }, databaseBatch);
}
