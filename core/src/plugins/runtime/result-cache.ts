import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Results of plugin fields that declare `resultCache` (manifest.resultCache), answered again for
 * up to their max age without a sandbox call. A result is keyed by everything its resolver was
 * given: the installation at its revision (version, config, grants), the field, the arguments,
 * every parent's declared input and the storage revision its storage inputs were read at. The
 * caller adds nothing: the declared input was resolved with the caller's rights and is in the
 * key, and only calls that made no host call are kept (see `cacheable`), so nothing else of the
 * caller reached the plugin.
 *
 * Bounded by `totalChars` of result JSON over all tenants, least recently used dropped first,
 * and `entryChars` per result (a larger one is not kept).
 */
export interface ResultCacheLimits {
  totalChars: number;
  entryChars: number;
}

export const RESULT_CACHE_LIMITS: ResultCacheLimits = { totalChars: 32 * 1024 * 1024, entryChars: 256 * 1024 };

/** What a resolver call was given, as the key of its result. */
export interface ResultKeyParts {
  installationKey: string;
  coordinate: string;
  args: Record<string, unknown>;
  parents: readonly unknown[];
  /** The plugin's storage revision, read before the call's storage inputs (undefined: it reads none). */
  storageRevision: number | undefined;
}

/** A kept result, frozen all the way down (requests share it), and its size as JSON. */
interface Kept {
  result: readonly unknown[];
  chars: number;
}

export class PluginResultCache {
  private readonly kept: LRUCache<string, Kept>;

  constructor(limits: ResultCacheLimits = RESULT_CACHE_LIMITS) {
    this.kept = new LRUCache<string, Kept>({
      maxSize: limits.totalChars,
      maxEntrySize: limits.entryChars,
      sizeCalculation: (kept) => Math.max(1, kept.chars),
    });
  }

  /** A digest of the parts, so that a key holds 64 characters, not the batch's inputs. */
  static keyOf(parts: ResultKeyParts): string {
    // NUL separates the parts: none of them can hold one (JSON escapes it; ids and names are checked).
    return createHash('sha256')
      .update(parts.installationKey).update('\0')
      .update(parts.coordinate).update('\0')
      .update(JSON.stringify(parts.args)).update('\0')
      .update(JSON.stringify(parts.parents)).update('\0')
      .update(parts.storageRevision === undefined ? '' : String(parts.storageRevision))
      .digest('hex');
  }

  /**
   * The kept result; undefined when none is kept or it is older than its max age. Requests share
   * it: it is frozen, so no request can change what another is answered (a parse per hit cost a
   * tenth of a millisecond for 50 orders' shipments).
   */
  get(key: string): readonly unknown[] | undefined {
    return this.kept.get(key)?.result;
  }

  /** Keeps a copy of `result` (JSON data: the sandbox's answer), so later changes to `result` do not reach it. */
  set(key: string, result: readonly unknown[], maxAgeSeconds: number): void {
    const json = JSON.stringify(result);
    this.kept.set(key, { result: deepFreeze(JSON.parse(json) as unknown[]), chars: json.length }, { ttl: maxAgeSeconds * 1000 });
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The platform's cache at `megachars` Mi characters (RESULT_CACHE_LIMITS when omitted); at 0 it keeps nothing. */
export function resultCacheOf(megachars?: number): PluginResultCache | undefined {
  if (megachars === undefined) return new PluginResultCache();
  if (megachars === 0) return undefined;
  const totalChars = megachars * 1024 * 1024;
  return new PluginResultCache({ totalChars, entryChars: Math.min(RESULT_CACHE_LIMITS.entryChars, totalChars) });
}

/**
 * Whether a finished call's result may be kept: it made no host call (so it is what the resolver
 * made of what it was sent) and failed no parent (a parent's failure is answered, not kept).
 */
export function cacheable(result: readonly unknown[], hostCalls: number): boolean {
  return hostCalls === 0 && !result.some((item) => item !== null && typeof item === 'object' && '__mosaicItemError' in item);
}
