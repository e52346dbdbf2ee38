import type { Store } from "./store.ts";

export type ReadCacheOptions = {
  /** The tables whose change empties the cache. */
  tables: readonly string[];
  /** The longest an entry is served: the bound on its staleness should a change's notice be lost. */
  ttlMs?: number;
  maxEntries?: number;
};

export type CachedRead<V> = {
  (key: string): Promise<V>;
  /** Forgets every entry: for this process's own writes, which must be read back at once. */
  clear(): void;
};

/**
 * A read of rows that nearly never change (a department, a dealer's templates), kept per process where the store
 * tells of every process's changes (PostgreSQL's LISTEN/NOTIFY). A change to one of `tables` empties the cache,
 * and so does a notice that changes may have gone unheard; while they would go unheard (the listening connection
 * is down), and on a store that cannot tell (SQLite, whose reads cost no round trip), every read goes to the
 * database. A read that began before a change is not kept.
 */
export const createReadCache = <V>(
  store: Pick<Store, "changes">,
  load: (key: string) => Promise<V>,
  { tables, ttlMs = 30_000, maxEntries = 10_000 }: ReadCacheOptions,
): CachedRead<V> => {
  const { changes } = store;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  let generation = 0;
  const clear = () => {
    generation++;
    entries.clear();
  };
  if (!changes) return Object.assign((key: string) => load(key), { clear });
  changes.listen((table) => {
    if (table === undefined || tables.includes(table)) clear();
  });
  const read = async (key: string): Promise<V> => {
    if (!changes.listening) return load(key);
    const now = performance.now();
    const hit = entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const began = generation;
    const value = await load(key);
    if (generation === began && changes.listening) {
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { value, expiresAt: now + ttlMs });
    }
    return value;
  };
  return Object.assign(read, { clear });
};
