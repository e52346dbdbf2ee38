import { ERRORS } from "@payreq/contracts";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("Idempotency-Key over REST and tRPC", () => {
    it("replays with Idempotent-Replayed: true and the same body", async () => {
      const t = await createTestApp({ store: kind });
      const body = t.body();
      const first = await t.post(body, { headers: { "Idempotency-Key": "order-RO-1-attempt" } });
      const again = await t.post(body, { headers: { "Idempotency-Key": "order-RO-1-attempt" } });
      expect(first.status).toBe(200);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(await again.json()).toEqual(await first.json());
      expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    });

    it("answers 422 for another body and 400 for a malformed key", async () => {
      const t = await createTestApp({ store: kind });
      await t.post(t.body(), { headers: { "Idempotency-Key": "k1" } });
      const reused = await t.post(t.body(), { headers: { "Idempotency-Key": "k1" } });
      expect(reused.status).toBe(422);
      expect(((await reused.json()) as { errors: { errorCode: number }[] }).errors[0]?.errorCode).toBe(
        ERRORS.IDEMPOTENCY_KEY_REUSED.code,
      );
      const bad = await t.post(t.body(), { headers: { "Idempotency-Key": "x".repeat(256) } });
      expect(bad.status).toBe(400);
    });

    it("takes idempotencyKey in the tRPC input and marks a replay", async () => {
      const t = await createTestApp({ store: kind });
      const input = { departmentUuid: t.dept, idempotencyKey: "trpc-key-1", ...t.body() };
      const first = await t.trpc(input);
      const again = await t.trpc(input);
      expect(again.status).toBe(200);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      const data = (res: unknown) => (res as { result: { data: unknown } }).result.data;
      expect(data(await again.json())).toEqual(data(await first.json()));
    });

    it("answers 409 with Retry-After to a concurrent retry", async () => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = () => {};
      const textStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const t = await createTestApp({
        store: kind,
        notifier: {
          sendText: async () => {
            started();
            await gate;
            return { provider: "test" };
          },
          sendEmail: async () => ({ provider: "test" }),
        },
      });
      const body = t.body();
      const first = t.post(body, { headers: { "Idempotency-Key": "slow" } });
      await textStarted;
      const concurrent = await t.post(body, { headers: { "Idempotency-Key": "slow" } });
      expect(concurrent.status).toBe(409);
      expect(Number(concurrent.headers.get("retry-after"))).toBeGreaterThan(0);
      release();
      expect((await first).status).toBe(200);
    });
  });
});
