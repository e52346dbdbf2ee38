import { describe, expect, it } from "vitest";
import { openTestStore, openTestStorePair, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import type { Clock } from "../ports/clock.ts";
import type { Store } from "../ports/store.ts";
import { TEST_SCRYPT } from "../testing.ts";
import {
  type AuthenticationResult,
  type AuthenticatorOptions,
  createAuthenticator,
  DEFAULT_AUTHENTICATOR_OPTIONS,
} from "./authenticator.ts";
import { type CredentialStore, createCredentialStore } from "./credential-store.ts";

const setupOn = async (kind: TestStoreKind, options: Partial<AuthenticatorOptions> = {}, given?: Store) => {
  let now = Date.parse("2026-11-24T10:00:00Z");
  const clock: Clock = { now: () => now };
  const database = given ?? (await openTestStore(kind));
  const store = createCredentialStore(database, clock, { scrypt: TEST_SCRYPT });
  await store.add("dms-sync", "correct horse battery");
  await store.grant("dms-sync", "payment.send.payment.request", "dept-1");
  const auth = createAuthenticator(database, store, clock, { ...DEFAULT_AUTHENTICATOR_OPTIONS, ...options });
  return { database, store, auth, clock, advance: (ms: number) => (now += ms) };
};

describe.each(TEST_STORES)("on %s", (kind) => {
  const setup = (options: Partial<AuthenticatorOptions> = {}, given?: Store) => setupOn(kind, options, given);

  describe("verified-credential cache", () => {
    it("hashes a good credential once, then answers from the cache", async () => {
      const { auth } = await setup();
      for (let i = 0; i < 5; i++)
        expect((await auth.authenticate("dms-sync", "correct horse battery")).ok).toBe(true);
      expect(auth.stats.hashes).toBe(1);
      expect(auth.stats.cacheHits).toBe(4);
    });

    it("never answers a wrong password from the cache", async () => {
      const { auth } = await setup();
      await auth.authenticate("dms-sync", "correct horse battery");
      expect(await auth.authenticate("dms-sync", "correct horse batterY")).toEqual({
        ok: false,
        error: "WRONG_CREDENTIAL",
      });
    });

    it("expires entries after the TTL", async () => {
      const { auth, advance } = await setup({ cacheTtlMs: 1000 });
      await auth.authenticate("dms-sync", "correct horse battery");
      advance(1001);
      await auth.authenticate("dms-sync", "correct horse battery");
      expect(auth.stats.hashes).toBe(2);
    });

    it.each([
      ["disabled", (s: Awaited<ReturnType<typeof setup>>["store"]) => s.disable("dms-sync"), false],
      [
        "given a new password",
        (s: Awaited<ReturnType<typeof setup>>["store"]) => s.setPassword("dms-sync", "a brand new password"),
        false,
      ],
      [
        "revoked a grant",
        (s: Awaited<ReturnType<typeof setup>>["store"]) =>
          s.revoke("dms-sync", "payment.send.payment.request", "dept-1"),
        true,
      ],
    ])(
      "forgets a credential at once when it is %s, even by another process",
      async (_name, change, stillValid) => {
        const [mine, other] = await openTestStorePair(kind);
        const { auth } = await setup({}, mine);
        const first = await auth.authenticate("dms-sync", "correct horse battery");
        expect(first.ok && first.principal.grants).toHaveLength(1);
        // The change is made on a second connection, as `payreq credentials` in another process would.
        await change(createCredentialStore(other, { now: Date.now }, { scrypt: TEST_SCRYPT }));
        const after = await auth.authenticate("dms-sync", "correct horse battery");
        expect(auth.stats.hashes).toBe(2);
        expect(after.ok).toBe(stillValid);
        if (after.ok) expect(after.principal.grants).toEqual([]);
      },
    );
  });

  describe("throttling failed attempts", () => {
    it("stops a password guesser long before 100 guesses, with a Retry-After", async () => {
      const { auth } = await setup();
      const results = [];
      for (let i = 0; i < 100; i++)
        results.push(await auth.authenticate("dms-sync", `guess-${i}`, "203.0.113.9"));
      const hashed = results.filter((r) => !r.ok && r.error === "WRONG_CREDENTIAL").length;
      expect(hashed).toBe(10);
      const throttled = results.at(-1);
      expect(throttled).toMatchObject({ ok: false, error: "TOO_MANY_ATTEMPTS" });
      expect(
        throttled && !throttled.ok && "retryAfterSeconds" in throttled && throttled.retryAfterSeconds,
      ).toBeGreaterThan(0);
      expect(auth.stats.hashes).toBe(10);
    });

    it("throttles one address trying many usernames", async () => {
      const { auth } = await setup();
      const results = [];
      for (let i = 0; i < 40; i++)
        results.push(await auth.authenticate(`user-${i}`, "password", "203.0.113.9"));
      expect(results.filter((r) => !r.ok && r.error === "WRONG_CREDENTIAL")).toHaveLength(30);
      expect(await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
    });

    it("lets the user in again once the window has passed, and a success clears the count", async () => {
      const { auth, advance } = await setup({ failuresPerUsernameAtAddress: 3, failureWindowMs: 60_000 });
      for (let i = 0; i < 3; i++) await auth.authenticate("dms-sync", "wrong password");
      expect(await auth.authenticate("dms-sync", "correct horse battery")).toMatchObject({
        error: "TOO_MANY_ATTEMPTS",
      });
      advance(60_001);
      expect(await auth.authenticate("dms-sync", "correct horse battery")).toMatchObject({ ok: true });
      for (let i = 0; i < 2; i++) await auth.authenticate("dms-sync", "wrong password");
      expect(await auth.authenticate("dms-sync", "wrong password")).toMatchObject({
        error: "WRONG_CREDENTIAL",
      });
    });

    it("refuses an address for its own failures even with a password verified elsewhere", async () => {
      const { auth } = await setup({ failuresPerUsernameAtAddress: 3 });
      expect(await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
      for (let i = 0; i < 3; i++) await auth.authenticate("dms-sync", "wrong password", "203.0.113.9");
      expect(await auth.authenticate("dms-sync", "correct horse battery", "203.0.113.9")).toMatchObject({
        error: "TOO_MANY_ATTEMPTS",
      });
      expect(await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
    });
  });

  describe("nobody can lock a dealer out", () => {
    it("admits the owner from another address after many failures from one address", async () => {
      const { auth } = await setup();
      for (let i = 0; i < 15; i++) await auth.authenticate("dms-sync", `guess-${i}`, "203.0.113.9");
      expect(await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
      expect(auth.stats.slowed).toBe(0);
    });

    it("slows, never refuses, the owner's first attempt while the username is attacked from many addresses", async () => {
      const { auth } = await setup({ slowdownMs: 5 });
      for (let i = 0; i < 25; i++) await auth.authenticate("dms-sync", `guess-${i}`, `203.0.113.${i}`);
      expect(auth.stats.hashes).toBe(25);
      expect(await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
      expect(auth.stats.slowed).toBe(6);
    });

    it("refuses every address that failed once the username is under attack, and no other", async () => {
      const { auth } = await setup({ slowdownMs: 1 });
      const results = [];
      for (let round = 0; round < 2; round++)
        for (let i = 0; i < 50; i++)
          results.push(await auth.authenticate("dms-sync", `guess-${round}-${i}`, `203.0.113.${i}`));
      // 20 failures put the username under attack; after that each address gets one failure at most.
      expect(results.filter((r) => !r.ok && r.error === "WRONG_CREDENTIAL")).toHaveLength(50);
      expect(results.filter((r) => !r.ok && r.error === "TOO_MANY_ATTEMPTS")).toHaveLength(50);
      expect(await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
      const attacker = await auth.authenticate("dms-sync", "correct horse battery", "203.0.113.7");
      expect(attacker).toMatchObject({ ok: false, error: "TOO_MANY_ATTEMPTS" });
      expect(attacker.ok === false && "retryAfterSeconds" in attacker && attacker.retryAfterSeconds).toBe(
        900,
      );
    });

    it("counts failures in the database, so two processes on one database share them", async () => {
      const [mine, other] = await openTestStorePair(kind);
      const first = await setup({ failuresPerUsernameAtAddress: 4 }, mine);
      const options = { ...DEFAULT_AUTHENTICATOR_OPTIONS, failuresPerUsernameAtAddress: 4 };
      const second = createAuthenticator(first.database, first.store, first.clock, options);
      const otherStore = createCredentialStore(other, first.clock, { scrypt: TEST_SCRYPT });
      const third = createAuthenticator(other, otherStore, first.clock, options);
      await first.auth.authenticate("dms-sync", "wrong 1", "203.0.113.9");
      await second.authenticate("dms-sync", "wrong 2", "203.0.113.9");
      await third.authenticate("dms-sync", "wrong 3", "203.0.113.9");
      await third.authenticate("dms-sync", "wrong 4", "203.0.113.9");
      expect(await first.auth.authenticate("dms-sync", "wrong 5", "203.0.113.9")).toMatchObject({
        error: "TOO_MANY_ATTEMPTS",
      });
    });

    it("forgets failures once their window has closed", async () => {
      const { auth, advance, database } = await setup({ failureWindowMs: 60_000 });
      for (let i = 0; i < 3; i++) await auth.authenticate("dms-sync", "wrong password", `203.0.113.${i}`);
      const rows = async () =>
        (await database.sql.get<{ n: number }>("select count(*) as n from auth_failures"))?.n;
      expect(await rows()).toBe(7);
      advance(60_001);
      expect(await auth.pruneFailures()).toBe(7);
      expect(await rows()).toBe(0);
    });

    it("keeps no address or username in the table", async () => {
      const { auth, database } = await setup();
      await auth.authenticate("dms-sync", "wrong password", "203.0.113.9");
      const dump = JSON.stringify(await database.sql.all("select * from auth_failures"));
      expect(dump).not.toContain("203.0.113.9");
      expect(dump).not.toContain("dms-sync");
    });
  });

  /** The authenticator over a store whose hashes wait until `open()`; `started` lists each hash's password. */
  const gatedSetup = async (options: Partial<AuthenticatorOptions> = {}) => {
    const base = await setup(options);
    const started: string[] = [];
    const held: (() => void)[] = [];
    let open = false;
    const gated: CredentialStore = {
      ...base.store,
      checkPassword: async (user, password) => {
        started.push(password);
        if (!open) await new Promise<void>((resolve) => held.push(resolve));
        return base.store.checkPassword(user, password);
      },
    };
    const auth = createAuthenticator(base.database, gated, base.clock, {
      ...DEFAULT_AUTHENTICATOR_OPTIONS,
      ...options,
    });
    return {
      ...base,
      auth,
      started,
      held: () => held.length,
      open: () => {
        open = true;
        for (const release of held.splice(0)) release();
      },
      shut: () => {
        open = false;
      },
    };
  };

  /** Polls until `condition` holds; the test's own timeout bounds it. */
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
  };

  const errorsOf = (results: AuthenticationResult[]) =>
    results
      .map((r) => (r.ok ? "ok" : r.error))
      .reduce<Record<string, number>>((counts, error) => {
        counts[error] = (counts[error] ?? 0) + 1;
        return counts;
      }, {});

  describe("fair hashing", () => {
    it("answers the owner from a clean address while 60 addresses flood made-up usernames, without hashing them", async () => {
      const { auth } = await setup();
      const flood = Array.from({ length: 60 }, (_, i) =>
        auth.authenticate(`made-up-${i}`, "whatever password", `203.0.113.${i}`),
      );
      const owner = await auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1");
      expect(owner.ok).toBe(true);
      expect(errorsOf(await Promise.all(flood))).toEqual({ WRONG_CREDENTIAL: 60 });
      expect(auth.stats.hashes).toBe(1);
      expect(auth.stats.simulated).toBe(60);
    });

    it("gives every address one hash before any gets a second, so the owner waits one hash per address", async () => {
      const t = await gatedSetup({ maxConcurrentHashes: 1, usernameCeiling: 100 });
      const flood = [0, 1, 2, 3, 4].flatMap((a) =>
        [0, 1, 2, 3, 4].map((i) => t.auth.authenticate("dms-sync", `guess-${a}-${i}`, `203.0.113.${a}`)),
      );
      // One hash runs; the first turns of the four other addresses wait for the slot, the rest behind their own.
      await until(() => t.auth.queue.pending === 25 && t.auth.queue.waiting === 4);
      const owner = t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1");
      await until(() => t.auth.queue.waiting === 5);
      t.open();
      expect((await owner).ok).toBe(true);
      expect(t.started.indexOf("correct horse battery")).toBe(5);
      expect(errorsOf(await Promise.all(flood))).toEqual({ WRONG_CREDENTIAL: 25 });
    });

    it("puts addresses that have failed behind one that has not", async () => {
      const t = await gatedSetup({ maxConcurrentHashes: 1 });
      for (const a of [1, 2, 3, 4]) await t.auth.authenticate("made-up", "wrong", `203.0.113.${a}`);
      const first = t.auth.authenticate("dms-sync", "guess-0", "203.0.113.0");
      await until(() => t.held() === 1);
      const suspects = [1, 2, 3, 4].map((a) =>
        t.auth.authenticate("dms-sync", `guess-${a}`, `203.0.113.${a}`),
      );
      await until(() => t.auth.queue.waiting === 4);
      const owner = t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1");
      await until(() => t.auth.queue.waiting === 5);
      t.open();
      expect((await owner).ok).toBe(true);
      expect(t.started.indexOf("correct horse battery")).toBe(1);
      expect(errorsOf(await Promise.all([first, ...suspects]))).toEqual({ WRONG_CREDENTIAL: 5 });
    });

    it("holds a parallel burst of wrong passwords from one address to the per-username limit", async () => {
      const { auth } = await setup({ maxVerificationsPerAddress: 100 });
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => auth.authenticate("dms-sync", `guess-${i}`, "203.0.113.9")),
      );
      expect(errorsOf(results)).toEqual({ WRONG_CREDENTIAL: 10, TOO_MANY_ATTEMPTS: 20 });
      expect(auth.stats.hashes).toBe(10);
    });

    it("holds a parallel burst of usernames from one address to the per-address limit", async () => {
      const { auth } = await setup({ maxVerificationsPerAddress: 100 });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => auth.authenticate(`user-${i}`, "password", "203.0.113.9")),
      );
      expect(errorsOf(results)).toEqual({ WRONG_CREDENTIAL: 30, TOO_MANY_ATTEMPTS: 20 });
    });

    it("refuses an address's attempts beyond its queue at once, and counts them against that address", async () => {
      const t = await gatedSetup({ maxVerificationsPerAddress: 8, failuresPerAddress: 12 });
      const settled: AuthenticationResult[] = [];
      const burst = Array.from({ length: 12 }, (_, i) =>
        t.auth.authenticate("dms-sync", `guess-${i}`, "203.0.113.9").then((r) => {
          settled.push(r);
          return r;
        }),
      );
      await until(() => settled.length === 4);
      expect(settled).toEqual(
        Array.from({ length: 4 }, () => ({ ok: false, error: "TOO_MANY_ATTEMPTS", retryAfterSeconds: 1 })),
      );
      expect(t.held()).toBe(1);
      t.open();
      expect(errorsOf(await Promise.all(burst))).toEqual({ WRONG_CREDENTIAL: 8, TOO_MANY_ATTEMPTS: 4 });
      expect(await t.auth.authenticate("dms-sync", "correct horse battery", "203.0.113.9")).toMatchObject({
        error: "TOO_MANY_ATTEMPTS",
      });
      expect(await t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        ok: true,
      });
    });

    it("never hands a refusal earned by one address to a caller from another with the same credential", async () => {
      const t = await gatedSetup({ maxVerificationsPerAddress: 2 });
      const held = [1, 2].map((i) => t.auth.authenticate("dms-sync", `guess-${i}`, "203.0.113.9"));
      await until(() => t.auth.queue.pending === 2);
      const fromFull = t.auth.authenticate("dms-sync", "correct horse battery", "203.0.113.9");
      const fromClean = t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1");
      expect(await fromFull).toMatchObject({ error: "TOO_MANY_ATTEMPTS" });
      t.open();
      expect(await fromClean).toMatchObject({ ok: true });
      expect(errorsOf(await Promise.all(held))).toEqual({ WRONG_CREDENTIAL: 2 });
    });

    it("refuses as busy past the memory bound, while cached callers go through", async () => {
      const t = await gatedSetup({ maxPendingVerifications: 2 });
      t.open();
      await t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1");
      t.shut();
      const held = [1, 2].map((a) => t.auth.authenticate("dms-sync", `guess-${a}`, `203.0.113.${a}`));
      await until(() => t.auth.queue.pending === 2);
      expect(await t.auth.authenticate("dms-sync", "guess-3", "203.0.113.3")).toEqual({
        ok: false,
        error: "SERVICE_BUSY",
        retryAfterSeconds: 1,
      });
      expect((await t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).ok).toBe(true);
      expect(t.auth.stats.cacheHits).toBe(1);
      t.open();
      expect(errorsOf(await Promise.all(held))).toEqual({ WRONG_CREDENTIAL: 2 });
    });

    it("refuses as busy a verification that waited longer than the bound", async () => {
      const t = await gatedSetup({ maxConcurrentHashes: 1, maxHashWaitMs: 100 });
      const first = t.auth.authenticate("dms-sync", "guess-1", "203.0.113.1");
      await until(() => t.held() === 1);
      const started = performance.now();
      expect(await t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).toMatchObject({
        error: "SERVICE_BUSY",
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
      expect(t.auth.queue.waiting).toBe(0);
      t.open();
      expect(await first).toMatchObject({ error: "WRONG_CREDENTIAL" });
      expect((await t.auth.authenticate("dms-sync", "correct horse battery", "198.51.100.1")).ok).toBe(true);
    });

    it("keeps an unknown username about as slow as a hash, before and after a real one was timed", async () => {
      const base = await setup();
      const slow: CredentialStore = {
        ...base.store,
        hashCostMs: async () => 60,
        checkPassword: async (user, password) => {
          // Stands in for a costly scrypt: the wait is what the unknown username must match.
          await new Promise((resolve) => setTimeout(resolve, 60));
          return base.store.checkPassword(user, password);
        },
      };
      const auth = createAuthenticator(base.database, slow, base.clock, DEFAULT_AUTHENTICATOR_OPTIONS);
      const timed = async (username: string) => {
        const started = performance.now();
        expect(await auth.authenticate(username, "wrong password", "203.0.113.9")).toMatchObject({
          error: "WRONG_CREDENTIAL",
        });
        return performance.now() - started;
      };
      expect(await timed("nobody")).toBeGreaterThanOrEqual(55);
      expect(await timed("dms-sync")).toBeGreaterThanOrEqual(55);
      expect(await timed("nobody-else")).toBeGreaterThanOrEqual(55);
      expect(auth.stats).toMatchObject({ hashes: 1, simulated: 2 });
    });

    it("counts the IPv6 addresses of one /64 as one address", async () => {
      const { auth } = await setup({ failuresPerAddress: 3 });
      for (const address of ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff:ffff:ffff:ffff"])
        await auth.authenticate(`user-${address}`, "password", address);
      expect(await auth.authenticate("dms-sync", "correct horse battery", "2001:db8:1:2::99")).toMatchObject({
        error: "TOO_MANY_ATTEMPTS",
      });
      expect(await auth.authenticate("dms-sync", "correct horse battery", "2001:db8:1:3::1")).toMatchObject({
        ok: true,
      });
    });
  });

  describe("concurrent verifications", () => {
    it("shares one hash among concurrent calls with the same credential", async () => {
      const { auth } = await setup({ maxConcurrentHashes: 1, maxVerificationsPerAddress: 1 });
      const results = await Promise.all(
        Array.from({ length: 50 }, () => auth.authenticate("dms-sync", "correct horse battery")),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(auth.stats.hashes).toBe(1);
    });
  });
});
