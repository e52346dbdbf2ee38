import { createHmac, randomBytes } from "node:crypto";
import type { Clock } from "../ids.ts";
import { createUuidV7Generator } from "../ids.ts";
import { programRunner } from "../store/program.ts";
import type { Store } from "../store/sql.ts";
import type { CredentialStore } from "./credential-store.ts";
import { createFailureCounters } from "./failure-counters.ts";
import { createLoginThrottle, type ThrottleLimits } from "./login-throttle.ts";
import type { Principal } from "./principal.ts";
import { createSemaphore } from "./semaphore.ts";

export type AuthenticatorOptions = ThrottleLimits & {
  /** How long a verified credential is trusted without hashing again. */
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /** Password hashes computed at once (each scrypt takes 16 MiB and a libuv thread). */
  maxConcurrentHashes: number;
  /** Verifications allowed to wait for a hash slot; beyond that the call is refused as busy. */
  maxQueuedHashes: number;
  failureWindowMs: number;
};

export const DEFAULT_AUTHENTICATOR_OPTIONS: AuthenticatorOptions = {
  cacheTtlMs: 5 * 60_000,
  cacheMaxEntries: 10_000,
  maxConcurrentHashes: 2,
  maxQueuedHashes: 32,
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
 * - failed attempts are throttled per client address and per username at an address, in the database so that
 *   every process counts them (see login-throttle.ts); the throttle is asked before the cache, so an address
 *   refused for its failures is refused even with a password that was verified elsewhere;
 * - the number of scrypt hashes at once is capped, and so is the queue for them.
 */
export const createAuthenticator = (
  store: Store,
  credentials: CredentialStore,
  clock: Clock,
  options: AuthenticatorOptions = DEFAULT_AUTHENTICATOR_OPTIONS,
) => {
  const secret = randomBytes(32);
  const cache = new Map<string, CacheEntry>();
  const hashes = createSemaphore(options.maxConcurrentHashes, options.maxQueuedHashes);
  const run = programRunner(store, clock, createUuidV7Generator(clock));
  const throttle = createLoginThrottle(createFailureCounters(store, run, options.failureWindowMs), options);
  const stats = { cacheHits: 0, hashes: 0, refusedBusy: 0, throttled: 0, slowed: 0 };

  const cacheKey = (username: string, password: string) =>
    createHmac("sha256", secret).update(username).update("\0").update(password).digest("base64url");

  const fromCache = async (key: string, now: number): Promise<Principal | undefined> => {
    const entry = cache.get(key);
    if (!entry) return undefined;
    const current = await credentials.currentVersion(entry.principal.userId);
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

  const verify = async (
    key: string,
    username: string,
    password: string,
    address: string,
    delayMs: number,
  ): Promise<AuthenticationResult> => {
    if (delayMs > 0) {
      stats.slowed++;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    if (!(await hashes.acquire())) {
      stats.refusedBusy++;
      return { ok: false, error: "SERVICE_BUSY", retryAfterSeconds: 1 };
    }
    let principal: Principal | null;
    try {
      stats.hashes++;
      principal = await credentials.verify(username, password);
    } finally {
      hashes.release();
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

  /** Verifications of one credential under way: concurrent callers with the same credential share one hash. */
  const inFlight = new Map<string, Promise<AuthenticationResult>>();

  return {
    stats,
    /** Expired failure counts, for the periodic clean-up. */
    pruneFailures: () => throttle.prune(clock.now()),
    async authenticate(
      username: string,
      password: string,
      clientAddress = "unknown",
    ): Promise<AuthenticationResult> {
      const now = clock.now();
      const decision = await throttle.decide(username, clientAddress, now);
      if (decision.kind === "refuse") {
        stats.throttled++;
        return { ok: false, error: "TOO_MANY_ATTEMPTS", retryAfterSeconds: decision.retryAfterSeconds };
      }
      const key = cacheKey(username, password);
      const cached = await fromCache(key, now);
      if (cached) {
        stats.cacheHits++;
        return { ok: true, principal: cached };
      }
      const pending = inFlight.get(key);
      if (pending) return pending;
      const verification = verify(key, username, password, clientAddress, decision.delayMs);
      inFlight.set(key, verification);
      try {
        return await verification;
      } finally {
        inFlight.delete(key);
      }
    },
  };
};

export type Authenticator = ReturnType<typeof createAuthenticator>;
