import { createHmac, randomBytes } from "node:crypto";
import { createUuidV7Generator } from "../domain/ids.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";
import { programRunner } from "../ports/store.ts";
import type { CredentialStore } from "./credential-store.ts";
import { type CredentialVersion, createFailureCounters } from "./failure-counters.ts";
import { createHashScheduler, type WithHashSlot } from "./hash-scheduler.ts";
import { createHashTiming } from "./hash-timing.ts";
import { createLoginThrottle, type ThrottleDecision, type ThrottleLimits } from "./login-throttle.ts";
import type { Principal } from "./principal.ts";
import { throttleAddress } from "./throttle-address.ts";

export type AuthenticatorOptions = ThrottleLimits & {
  /** How long a verified credential is trusted without hashing again. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /** Password hashes computed at once (each scrypt takes 16 MiB and a libuv thread). */
  maxConcurrentHashes: number;
  /** Verifications one client address may have under way; more are refused (429) and count as its failures. */
  maxVerificationsPerAddress: number;
  /** Verifications under way from all addresses, a bound on memory; more are refused as busy (503). */
  maxPendingVerifications: number;
  /** The longest a verification waits for its address's turn and a hash slot; then it is refused as busy (503). */
  maxHashWaitMs: number;
  failureWindowMs: number;
};

export const DEFAULT_AUTHENTICATOR_OPTIONS: AuthenticatorOptions = {
  cacheTtlMs: 5 * 60_000,
  cacheMaxEntries: 10_000,
  maxConcurrentHashes: 2,
  maxVerificationsPerAddress: 8,
  maxPendingVerifications: 1024,
  maxHashWaitMs: 10_000,
  failuresPerAddress: 30,
  failuresPerUsernameAtAddress: 10,
  usernameCeiling: 20,
  slowdownMs: 1000,
  failureWindowMs: 15 * 60_000,
};

export type AuthenticationResult =
  | { ok: true; principal: Principal }
  | { ok: false; error: "WRONG_CREDENTIAL" }
  | { ok: false; error: "TOO_MANY_ATTEMPTS" | "SERVICE_BUSY"; retryAfterSeconds: number };

type CacheEntry = { principal: Principal; expiresAt: number };

/**
 * Verifies Basic credentials for every transport:
 * - a verified credential is cached under an HMAC of username and password (keyed per process, so the cache
 *   never holds anything a password could be read from), and each hit is checked against the user's
 *   auth_version, which triggers raise on any change of password, status or grants, from any process;
 * - failed attempts are throttled per client address (an IPv6 one by its /64) and per username at an address, in
 *   the database so that every process counts them (see login-throttle.ts); the throttle is asked before the
 *   cache, so an address refused for its failures is refused even with a password that was verified elsewhere;
 * - hashes are scheduled fairly by address (see hash-scheduler.ts): one verification per address at a time, and
 *   each is decided again in its turn, so a parallel burst from one address meets the same limits as a sequence;
 *   a caller from a clean address waits for at most one hash per other address, never behind a whole flood;
 * - an unknown username costs no hash: it waits its turn, then as long as a real hash has been taking.
 */
export const createAuthenticator = (
  store: Store,
  credentials: CredentialStore,
  clock: Clock,
  options: AuthenticatorOptions = DEFAULT_AUTHENTICATOR_OPTIONS,
) => {
  const secret = randomBytes(32);
  const cache = new Map<string, CacheEntry>();
  const scheduler = createHashScheduler({
    concurrency: options.maxConcurrentHashes,
    perAddress: options.maxVerificationsPerAddress,
    maxPending: options.maxPendingVerifications,
    maxWaitMs: options.maxHashWaitMs,
  });
  const timing = createHashTiming(credentials.hashCostMs);
  const run = programRunner(store, clock, createUuidV7Generator(clock));
  const throttle = createLoginThrottle(createFailureCounters(store, run, options.failureWindowMs), options);
  const stats = {
    cacheHits: 0,
    hashes: 0,
    /** Unknown usernames answered after a wait as long as a hash, without computing one. */
    simulated: 0,
    refusedBusy: 0,
    /** Attempts refused because their address already had the most verifications under way. */
    refusedExcess: 0,
    throttled: 0,
    slowed: 0,
  };

  const cacheKey = (username: string, password: string) =>
    createHmac("sha256", secret).update(username).update("\0").update(password).digest("base64url");

  /** A cached verification, if the user's current version (read with the throttle's counts) still matches. */
  const fromCache = (
    key: string,
    entry: CacheEntry | undefined,
    current: CredentialVersion | undefined,
    now: number,
  ): Principal | undefined => {
    if (!entry) return undefined;
    if (entry.expiresAt <= now || !current || current.d === 1 || current.v !== entry.principal.authVersion) {
      cache.delete(key);
      return undefined;
    }
    return entry.principal;
  };

  const remember = (key: string, principal: Principal, now: number) => {
    if (cache.size >= options.cacheMaxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(key, { principal, expiresAt: now + options.cacheTtlMs });
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** One turn of an address: decided again, now that its earlier attempts are counted, then hashed or waited out. */
  const check = async (
    key: string,
    username: string,
    password: string,
    address: string,
    withSlot: WithHashSlot,
  ): Promise<AuthenticationResult> => {
    const decision = await throttle.decide(username, address, clock.now());
    if (decision.kind === "refuse") {
      stats.throttled++;
      return { ok: false, error: "TOO_MANY_ATTEMPTS", retryAfterSeconds: decision.retryAfterSeconds };
    }
    const user = await credentials.findForLogin(username);
    const priority = decision.suspect ? "suspect" : "clean";
    let principal: Principal | null = null;
    if (user) {
      principal = await withSlot(priority, async () => {
        stats.hashes++;
        const started = performance.now();
        try {
          return await credentials.checkPassword(user, password);
        } finally {
          timing.record(performance.now() - started);
        }
      });
    } else {
      // It waits for a slot like a real check, so its answer takes as long under load, then leaves it to others.
      await withSlot(priority, async () => {});
      stats.simulated++;
      await sleep(await timing.sample());
    }
    const after = clock.now();
    if (!principal) {
      await throttle.failed(username, address, after);
      return { ok: false, error: "WRONG_CREDENTIAL" };
    }
    await throttle.succeeded(username, address);
    remember(key, principal, after);
    return { ok: true, principal };
  };

  const verify = async (
    key: string,
    username: string,
    password: string,
    address: string,
    decision: Extract<ThrottleDecision, { kind: "allow" }>,
  ): Promise<AuthenticationResult> => {
    if (decision.delayMs > 0) {
      stats.slowed++;
      await sleep(decision.delayMs);
    }
    const scheduled = await scheduler.run(address, (withSlot) =>
      check(key, username, password, address, withSlot),
    );
    if (scheduled.kind === "done") return scheduled.value;
    if (scheduled.kind === "excess") {
      stats.refusedExcess++;
      await throttle.refusedExcess(address, clock.now());
      return { ok: false, error: "TOO_MANY_ATTEMPTS", retryAfterSeconds: 1 };
    }
    stats.refusedBusy++;
    return { ok: false, error: "SERVICE_BUSY", retryAfterSeconds: 1 };
  };

  /**
   * Verifications of one credential from one address under way: concurrent callers share one hash. Per address, so
   * that a refusal earned by one address (its failures, its excess) is never handed to a caller from another.
   */
  const inFlight = new Map<string, Promise<AuthenticationResult>>();

  return {
    stats,
    /** The hash queue now: verifications under way, hashes running, turns waiting for a slot. */
    queue: scheduler as Pick<typeof scheduler, "pending" | "running" | "waiting">,
    /** Expired failure counts, for the periodic clean-up. */
    pruneFailures: () => throttle.prune(clock.now()),
    async authenticate(
      username: string,
      password: string,
      clientAddress = "unknown",
    ): Promise<AuthenticationResult> {
      const address = throttleAddress(clientAddress);
      const now = clock.now();
      const key = cacheKey(username, password);
      const before = cache.get(key);
      const decision = await throttle.decide(username, address, now, before?.principal.userId);
      if (decision.kind === "refuse") {
        stats.throttled++;
        return { ok: false, error: "TOO_MANY_ATTEMPTS", retryAfterSeconds: decision.retryAfterSeconds };
      }
      // An entry made while this call read is a verification that finished meanwhile, as fresh as one it would
      // have shared; the one it read the version for is checked against that version.
      const entry = cache.get(key);
      const cached =
        entry !== before && entry && entry.expiresAt > now
          ? entry.principal
          : fromCache(key, before, decision.version, now);
      if (cached) {
        stats.cacheHits++;
        return { ok: true, principal: cached };
      }
      const sharedKey = `${key}\0${address}`;
      const pending = inFlight.get(sharedKey);
      if (pending) return pending;
      const verification = verify(key, username, password, address, decision);
      inFlight.set(sharedKey, verification);
      try {
        return await verification;
      } finally {
        inFlight.delete(sharedKey);
      }
    },
  };
};

export type Authenticator = ReturnType<typeof createAuthenticator>;
