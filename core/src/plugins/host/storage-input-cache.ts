import { LRUCache } from 'lru-cache';

/**
 * Storage values the host read for plugins' storage inputs, kept in memory per database and
 * plugin, so that a warm request does not read the same hundred rows again. A plugin's values
 * hold for one revision of its storage (`plugin_storage_revisions`, moved on by triggers at every
 * write to `plugin_storage`, in the writer's own transaction, whichever process writes): a call
 * reads the revision first, and values held at another revision are dropped, never served.
 *
 * Values are JSON text as stored (null: no row), counted by key and value length. Bounded twice:
 * `pluginChars` per database and plugin (values past it are read but not kept), `totalChars`
 * over all of them, the plugin least recently read dropping its values first.
 */
export interface StorageInputCacheLimits {
  totalChars: number;
  pluginChars: number;
}

export const STORAGE_INPUT_CACHE_LIMITS: StorageInputCacheLimits = { totalChars: 32 * 1024 * 1024, pluginChars: 1024 * 1024 };

/** One plugin's values in one database, at one revision. */
export class HeldValues {
  private readonly values = new Map<string, string | null>();
  private chars = 0;

  constructor(
    private readonly cache: StorageInputCache,
    public revision: number,
  ) {}

  /** The value held for `key` (JSON text, or null for no row); undefined when not held. */
  get(key: string): string | null | undefined {
    return this.values.get(key);
  }

  /** Holds what was just read at this revision, while the plugin's share has room. */
  keep(key: string, value: string | null): void {
    if (this.values.has(key)) return;
    const chars = key.length + (value?.length ?? 0);
    if (this.chars + chars > this.cache.limits.pluginChars) return;
    this.values.set(key, value);
    this.chars += chars;
  }

  /** Chars held, for the cache's bound (at least 1: the bound counts every plugin). */
  get size(): number {
    return Math.max(1, this.chars);
  }

  /** Forgets every value: the revision moved on, or the cache needs the room. */
  drop(revision: number): void {
    this.values.clear();
    this.chars = 0;
    this.revision = revision;
  }
}

export class StorageInputCache {
  private readonly byDatabase = new WeakMap<object, Map<string, HeldValues>>();
  private readonly recent: LRUCache<HeldValues, true>;

  constructor(readonly limits: StorageInputCacheLimits = STORAGE_INPUT_CACHE_LIMITS) {
    this.recent = new LRUCache<HeldValues, true>({
      maxSize: limits.totalChars,
      sizeCalculation: (_value, held) => held.size,
      // Evicted values are forgotten; the (empty) holder stays reachable from its database.
      dispose: (_value, held, reason) => {
        if (reason === 'evict') held.drop(Number.NaN);
      },
    });
  }

  /** The plugin's values in `db` at `revision`: what is held, or nothing if held at another revision. */
  at(db: object, pluginId: string, revision: number): HeldValues {
    let plugins = this.byDatabase.get(db);
    if (!plugins) this.byDatabase.set(db, (plugins = new Map()));
    let held = plugins.get(pluginId);
    if (!held) plugins.set(pluginId, (held = new HeldValues(this, revision)));
    else if (held.revision !== revision) held.drop(revision);
    return held;
  }

  /** Counts what `held` holds now against the total, and marks it the most recently read. */
  account(held: HeldValues): void {
    this.recent.set(held, true);
  }

  /** Chars held over all plugins: what the `totalChars` limit bounds. */
  get totalChars(): number {
    return this.recent.calculatedSize;
  }
}
