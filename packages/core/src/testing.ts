import type { ScryptParams } from "./auth/password-hash.ts";
import type { Principal } from "./auth/principal.ts";
import { type Core, type CoreOptions, createCore } from "./create-core.ts";
import { type DemoCredential, seedDemo } from "./demo/seed-demo.ts";
import { fingerprintOf } from "./idempotency/idempotency-keys.ts";
import type { Store } from "./ports/store.ts";
import { openSqliteStore } from "./store/sqlite/open-sqlite.ts";

/** Cheap hashing for tests only; production uses DEFAULT_SCRYPT. */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

export const TEST_PAYMENT_URLS = { baseUrl: "https://pay.example.test/p", ttlMs: 7 * 24 * 3600 * 1000 };

/** The demo data on a fresh store (an in-memory SQLite database unless one is given), and the core wired on it. */
export const createTestCore = async (
  options: Partial<Omit<CoreOptions, "store">> & { store?: Store } = {},
) => {
  const store = options.store ?? openSqliteStore(":memory:");
  const core = createCore({ paymentUrls: TEST_PAYMENT_URLS, scrypt: TEST_SCRYPT, ...options, store });
  const demo = await seedDemo(store, core.credentials, core.clock);
  if (!demo) throw new Error("the test database already held data");
  const principalOf = async (credential: DemoCredential): Promise<Principal> => {
    const principal = await core.credentials.verify(credential.username, credential.password);
    if (!principal) throw new Error(`demo credential ${credential.username} does not verify`);
    return principal;
  };
  return { ...core, demo, principalOf };
};

let counter = 0;
/** Call metadata with a unique request id. */
export const testMeta = (
  overrides: Partial<{ idempotencyKey: string; transport: "rest" | "trpc" }> = {},
) => ({
  requestId: `req-test-${Date.now().toString(36)}-${(counter++).toString(36)}`,
  transport: overrides.transport ?? ("rest" as const),
  operation: "payment-requests.send",
  receivedAt: Date.now(),
  idempotencyKey: overrides.idempotencyKey,
});

/**
 * Leaves `key` as an attempt that stopped while handing its messages over would: claimed, marked `delivering`,
 * its process gone. The next call with the key resumes from there.
 */
export const interruptWhileDelivering = async (
  core: Pick<Core, "deps">,
  principal: Principal,
  departmentUuid: string,
  body: unknown,
  key: string,
) => {
  const claim = await core.deps.idempotency.claim({
    userId: principal.userId,
    key,
    fingerprint: fingerprintOf(departmentUuid, body),
    departmentUuid,
    requestId: `req-interrupted-${key}`,
  });
  if (claim.kind !== "fresh") throw new Error(`key ${key} was already used`);
  await core.deps.idempotency.markDelivering(claim.id);
  await core.deps.idempotency.release(claim.id);
};
