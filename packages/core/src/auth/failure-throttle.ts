export type ThrottleOptions = { limit: number; windowMs: number; maxKeys: number };

/**
 * Failed attempts per key (a username, a client address) in a sliding window. A key with `limit` failures
 * in the window is blocked until the oldest of them leaves it. Memory is bounded by `maxKeys`.
 */
export const createFailureThrottle = ({ limit, windowMs, maxKeys }: ThrottleOptions) => {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => {
    const times = failures.get(key);
    if (!times) return [];
    while (times.length && (times[0] ?? 0) <= now - windowMs) times.shift();
    if (!times.length) failures.delete(key);
    return times;
  };
  return {
    /** Seconds until the key may try again, or 0. */
    retryAfterSeconds(key: string, now: number): number {
      const times = recent(key, now);
      if (times.length < limit) return 0;
      return Math.max(1, Math.ceil(((times[0] ?? now) + windowMs - now) / 1000));
    },
    fail(key: string, now: number): void {
      const times = recent(key, now);
      if (!failures.has(key)) {
        if (failures.size >= maxKeys) {
          const oldest = failures.keys().next().value;
          if (oldest !== undefined) failures.delete(oldest);
        }
        failures.set(key, times);
      }
      times.push(now);
      if (times.length > limit) times.shift();
    },
    forget(key: string): void {
      failures.delete(key);
    },
  };
};
