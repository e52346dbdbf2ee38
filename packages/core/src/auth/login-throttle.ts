import {
  type CredentialVersion,
  type FailureCount,
  type FailureCounters,
  failureKey,
} from "./failure-counters.ts";

export type ThrottleLimits = {
  /** Failures from one address, for any usernames, before that address is refused. */
  failuresPerAddress: number;
  /** Failures for one username from one address before that pair is refused. */
  failuresPerUsernameAtAddress: number;
  /**
   * Failures for one username from all addresses together before the username counts as under attack: then
   * every address that has failed for it is refused, and the others wait `slowdownMs` before each check.
   */
  usernameCeiling: number;
  slowdownMs: number;
};

/** `suspect`: the address has failed in this window (for any username), so its hashes wait behind clean ones. */
export type ThrottleDecision =
  | { kind: "allow"; delayMs: number; suspect: boolean }
  | { kind: "refuse"; retryAfterSeconds: number };

/**
 * Keys failures so that they slow the guesser, not the owner: an address is refused only for its own failures
 * (in total, or for this username), never for failures made elsewhere; a username under attack from many
 * addresses costs a correct password from a clean address a delay, never a refusal.
 */
export const createLoginThrottle = (counters: FailureCounters, limits: ThrottleLimits) => {
  // Every request looks its keys up; a well-behaved caller comes from few addresses, so their hashes are kept.
  const known = new Map<string, readonly [string, string, string]>();
  const keysOf = (username: string, address: string) => {
    const id = `${username}\0${address}`;
    let keys = known.get(id);
    if (!keys) {
      keys = [
        failureKey("address", address),
        failureKey("username", username),
        failureKey("pair", id),
      ] as const;
      if (known.size >= 10_000) known.delete(known.keys().next().value ?? "");
      known.set(id, keys);
    }
    return keys;
  };

  const retryAfter = (failure: FailureCount | undefined, now: number) =>
    Math.max(1, Math.ceil(((failure?.windowStart ?? now) + counters.windowMs - now) / 1000));

  return {
    /** With `userId`, the decision carries that user's current version, read with the counts. */
    async decide(
      username: string,
      address: string,
      now: number,
      userId?: number,
    ): Promise<ThrottleDecision & { version?: CredentialVersion | undefined }> {
      const keys = keysOf(username, address);
      const { counts, version } = await counters.read(keys, now, userId);
      const [byAddress, byUsername, byPair] = keys.map((key) => counts.get(key));
      const attacked = (byUsername?.count ?? 0) >= limits.usernameCeiling;
      if ((byAddress?.count ?? 0) >= limits.failuresPerAddress)
        return { kind: "refuse", retryAfterSeconds: retryAfter(byAddress, now), version };
      const pairLimit = attacked ? 1 : limits.failuresPerUsernameAtAddress;
      if ((byPair?.count ?? 0) >= pairLimit)
        return { kind: "refuse", retryAfterSeconds: retryAfter(byPair, now), version };
      return {
        kind: "allow",
        version,
        delayMs: attacked ? limits.slowdownMs : 0,
        suspect: (byAddress?.count ?? 0) > 0,
      };
    },
    failed: (username: string, address: string, now: number) => counters.add(keysOf(username, address), now),
    /** An attempt refused unchecked, beyond what one address may have under way: it counts for the address only. */
    refusedExcess: (address: string, now: number) => counters.add([failureKey("address", address)], now),
    /** A success proves the address good for this username; the username's own count stays. */
    succeeded: (username: string, address: string) => counters.clear(keysOf(username, address)[2]),
    prune: (now: number) => counters.prune(now),
  };
};

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
