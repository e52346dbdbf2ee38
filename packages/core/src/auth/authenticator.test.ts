import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database.ts";
import type { Clock } from "../ids.ts";
import { TEST_SCRYPT } from "../testing.ts";
import {
  type AuthenticatorOptions,
  createAuthenticator,
  DEFAULT_AUTHENTICATOR_OPTIONS,
} from "./authenticator.ts";
import { createCredentialStore } from "./credential-store.ts";

const setup = async (options: Partial<AuthenticatorOptions> = {}, path = ":memory:") => {
  let now = Date.parse("2026-11-24T10:00:00Z");
  const clock: Clock = { now: () => now };
  const database = openDatabase(path);
  const store = createCredentialStore(database, clock, { scrypt: TEST_SCRYPT });
  await store.add("dms-sync", "correct horse battery");
  await store.grant("dms-sync", "payment.send.payment.request", "dept-1");
  const auth = createAuthenticator(database, store, clock, { ...DEFAULT_AUTHENTICATOR_OPTIONS, ...options });
  return { database, store, auth, advance: (ms: number) => (now += ms) };
};

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
      const path = join(mkdtempSync(join(tmpdir(), "payreq-auth-")), "auth.db");
      const { auth } = await setup({}, path);
      const first = await auth.authenticate("dms-sync", "correct horse battery");
      expect(first.ok && first.principal.grants).toHaveLength(1);
      // The change is made on a second connection, as `payreq credentials` in another process would.
      const other = openDatabase(path);
      await change(createCredentialStore(other, { now: Date.now }, { scrypt: TEST_SCRYPT }));
      await other.close();
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
    const { auth, advance } = await setup({ failuresPerUsername: 3, failureWindowMs: 60_000 });
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

  it("still admits a cached good credential while its username is being attacked", async () => {
    const { auth } = await setup({ failuresPerUsername: 3 });
    await auth.authenticate("dms-sync", "correct horse battery");
    for (let i = 0; i < 5; i++) await auth.authenticate("dms-sync", "wrong password");
    expect(await auth.authenticate("dms-sync", "correct horse battery")).toMatchObject({ ok: true });
  });
});

describe("capped hashing", () => {
  it("refuses verifications beyond the queue as busy, while cached callers go through", async () => {
    const { auth } = await setup({ maxConcurrentHashes: 1, maxQueuedHashes: 2 });
    await auth.authenticate("dms-sync", "correct horse battery");
    const flood = Array.from({ length: 8 }, (_, i) => auth.authenticate(`flood-${i}`, "bad password"));
    const good = await auth.authenticate("dms-sync", "correct horse battery");
    expect(good.ok).toBe(true);
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
