import { describe, expect, it } from "vitest";
import { openTestStore, openTestStorePair, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import type { Clock } from "../ids.ts";
import type { Store } from "../store/sql.ts";
import { TEST_SCRYPT } from "../testing.ts";
import {
  type AuthenticatorOptions,
  createAuthenticator,
  DEFAULT_AUTHENTICATOR_OPTIONS,
} from "./authenticator.ts";
import { createCredentialStore } from "./credential-store.ts";

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

  describe("capped hashing", () => {
    it("refuses verifications beyond the queue as busy, while cached callers go through", async () => {
      const { database, store, clock } = await setup();
      // Hashes for the flood wait at a gate, so the one slot and the two places in the queue stay taken.
      let open = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const gated = {
        ...store,
        verify: async (username: string, password: string) => {
          if (username.startsWith("flood-")) await gate;
          return store.verify(username, password);
        },
      };
      const auth = createAuthenticator(database, gated, clock, {
        ...DEFAULT_AUTHENTICATOR_OPTIONS,
        maxConcurrentHashes: 1,
        maxQueuedHashes: 2,
      });
      await auth.authenticate("dms-sync", "correct horse battery");
      const settled: unknown[] = [];
      const flood = Array.from({ length: 8 }, (_, i) =>
        auth.authenticate(`flood-${i}`, "bad password").then((r) => {
          settled.push(r);
          return r;
        }),
      );
      // The five beyond the queue are answered at once, while the gate is still shut.
      while (settled.length < 5) await new Promise((resolve) => setImmediate(resolve));
      expect(settled.every((r) => (r as { error?: string }).error === "SERVICE_BUSY")).toBe(true);
      const good = await auth.authenticate("dms-sync", "correct horse battery");
      expect(good.ok).toBe(true);
      open();
      const results = await Promise.all(flood);
      expect(results.filter((r) => !r.ok && r.error === "SERVICE_BUSY")).toHaveLength(5);
      expect(results.filter((r) => !r.ok && r.error === "WRONG_CREDENTIAL")).toHaveLength(3);
    });
  });

  describe("concurrent verifications", () => {
    it("shares one hash among concurrent calls with the same credential", async () => {
      const { auth } = await setup({ maxConcurrentHashes: 1, maxQueuedHashes: 0 });
      const results = await Promise.all(
        Array.from({ length: 50 }, () => auth.authenticate("dms-sync", "correct horse battery")),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(auth.stats.hashes).toBe(1);
    });
  });
});
