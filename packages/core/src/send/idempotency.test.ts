import { ERRORS, WARNINGS } from "@payreq/contracts";
import { describe, expect, it } from "vitest";
import { count, sunriseBody } from "../../test/helpers.ts";
import { openTestStore, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { createUuidV7Generator } from "../domain/ids.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { ProgramRunner } from "../ports/store.ts";
import { createTestCore, testMeta } from "../testing.ts";
import { type RecordCallArgs, recordCallProgram } from "./record-call.ts";
import { sendPaymentRequest } from "./send-payment-request.ts";

/** A notifier that counts what it was handed and can be told to fail or hold. */
const countingNotifier = () => {
  const sent = { text: 0, email: 0 };
  let hold: Promise<void> | undefined;
  let release = () => {};
  const notifier: Notifier = {
    sendText: async () => {
      sent.text++;
      await hold;
      return { provider: "test" };
    },
    sendEmail: async () => {
      sent.email++;
      await hold;
      return { provider: "test" };
    },
  };
  return {
    notifier,
    sent,
    holdNext() {
      hold = new Promise((resolve) => {
        release = () => {
          hold = undefined;
          resolve();
        };
      });
    },
    release: () => release(),
  };
};

/** `work`, except that its first call fails as if the process had died there. */
const failingOnce = <A extends unknown[], R>(work: (...args: A) => Promise<R>, message: string) => {
  let failed = false;
  return async (...args: A): Promise<R> => {
    if (!failed) {
      failed = true;
      throw new Error(message);
    }
    return work(...args);
  };
};

const setupOn = async (kind: TestStoreKind, options: Parameters<typeof createTestCore>[0] = {}) => {
  const counting = countingNotifier();
  const t = await createTestCore({
    ...options,
    notifier: counting.notifier,
    store: await openTestStore(kind),
  });
  const sender = await t.principalOf(t.demo.credentials.sunriseSender);
  const send = (
    body: unknown,
    key: string | undefined,
    options: { department?: string; principal?: typeof sender; deps?: typeof t.deps } = {},
  ) =>
    sendPaymentRequest(
      options.deps ?? t.deps,
      options.principal ?? sender,
      options.department ?? t.demo.ids.departments.sunrise,
      body,
      testMeta(key === undefined ? {} : { idempotencyKey: key }),
    );
  return { ...t, ...counting, sender, send };
};

const codes = (result: { body: unknown }) =>
  (result.body as { errors: { errorCode: number }[] }).errors.map((e) => e.errorCode);

describe.each(TEST_STORES)("idempotency keys on %s", (kind) => {
  const setup = (options: Parameters<typeof createTestCore>[0] = {}) => setupOn(kind, options);

  it("replays the stored response for the same key and request, running no step and sending nothing again", async () => {
    const t = await setup();
    const body = sunriseBody();
    const first = await t.send(body, "key-1");
    const again = await t.send(body, "key-1");
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.replayed).toBe(true);
    expect(again.body).toEqual(first.body);
    expect(t.sent).toEqual({ text: 1, email: 1 });
    expect(await count(t.store, "payment_requests")).toBe(1);
    expect(await count(t.store, "outbox")).toBe(2);
    expect(await count(t.store, "audit_log")).toBe(2);
  });

  it("refuses the same key with another body or department with 422 109001, and keeps the original", async () => {
    const t = await setup();
    const body = sunriseBody();
    await t.send(body, "key-2");
    const otherBody = await t.send({ ...body, amount: 1 }, "key-2");
    expect(otherBody.status).toBe(422);
    expect(codes(otherBody)).toEqual([ERRORS.IDEMPOTENCY_KEY_REUSED.code]);
    const harbor = await t.principalOf(t.demo.credentials.harborSender);
    const otherCaller = await t.send(body, "key-2", {
      principal: harbor,
      department: t.demo.ids.departments.harbor,
    });
    expect(otherCaller.status).toBe(400);
    expect((await t.send(body, "key-2")).replayed).toBe(true);
  });

  it("refuses a different department under the same credential and key", async () => {
    const t = await setup();
    await t.credentials.add("both-departments", "both-departments-pw");
    await t.credentials.grant("both-departments", "payment.send.payment.request", "*");
    const both = await t.credentials.verify("both-departments", "both-departments-pw");
    const body = sunriseBody();
    expect((await t.send(body, "key-3", { principal: both! })).status).toBe(200);
    const other = await t.send(body, "key-3", {
      principal: both!,
      department: t.demo.ids.departments.harbor,
    });
    expect(other.status).toBe(422);
  });

  it("keeps keys per credential: another credential's key of the same name is its own", async () => {
    const t = await setup();
    await t.credentials.add("second-sender", "second-sender-pw");
    await t.credentials.grant(
      "second-sender",
      "payment.send.payment.request",
      t.demo.ids.departments.sunrise,
    );
    const second = await t.credentials.verify("second-sender", "second-sender-pw");
    const a = await t.send(sunriseBody(), "shared-key");
    const b = await t.send(sunriseBody(), "shared-key", { principal: second! });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.replayed).toBeUndefined();
    expect(await count(t.store, "payment_requests")).toBe(2);
  });

  it("answers 409 109002 with Retry-After while the first call with the key is still running", async () => {
    const t = await setup();
    const body = sunriseBody();
    t.holdNext();
    const first = t.send(body, "key-4");
    await new Promise((resolve) => setImmediate(resolve));
    while (t.sent.text === 0) await new Promise((resolve) => setImmediate(resolve));
    const concurrent = await t.send(body, "key-4");
    expect(concurrent.status).toBe(409);
    expect(codes(concurrent)).toEqual([ERRORS.IDEMPOTENCY_KEY_IN_USE.code]);
    expect("retryAfterSeconds" in concurrent && concurrent.retryAfterSeconds).toBeGreaterThan(0);
    t.release();
    expect((await first).status).toBe(200);
    expect((await t.send(body, "key-4")).replayed).toBe(true);
    expect(t.sent).toEqual({ text: 1, email: 1 });
  });

  it.each([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["a line break", "key\nwith-newline"],
    ["non-ASCII", "clé"],
  ])("refuses a key that is %s with 400 109006 and stores nothing", async (_name, key) => {
    const t = await setup();
    const result = await t.send(sunriseBody(), key);
    expect(result.status).toBe(400);
    expect(codes(result)).toEqual([ERRORS.INVALID_IDEMPOTENCY_KEY.code]);
    expect(await count(t.store, "idempotency_keys")).toBe(0);
  });

  it("does not store an invalid body or a refused scope: the same key then works", async () => {
    const t = await setup();
    const body = sunriseBody();
    expect((await t.send({ ...body, amount: "ten" }, "key-5")).status).toBe(400);
    const harbor = await t.principalOf(t.demo.credentials.harborSender);
    expect((await t.send(body, "key-5", { principal: harbor })).status).toBe(403);
    expect((await t.send(body, "key-5")).status).toBe(200);
  });

  it("stores a refusal that came from the steps and replays it", async () => {
    const t = await setup();
    const first = await t.send({ amount: 1, orderUuid: "no-such-order" }, "key-6");
    expect(first.status).toBe(400);
    const again = await t.send({ amount: 1, orderUuid: "no-such-order" }, "key-6");
    expect(again).toMatchObject({ status: 400, replayed: true });
    expect(codes(again)).toEqual([ERRORS.ORDER_NOT_FOUND.code]);
  });

  it("releases the key after an internal failure, and the retry completes without a second order", async () => {
    // The third id drawn is the payment request's: the first attempt fails inside step 3, after the order.
    let drawn = 0;
    const ids = createUuidV7Generator();
    const t = await setup({
      ids: {
        next: () => {
          if (++drawn === 3) throw new Error("database on fire");
          return ids.next();
        },
      },
    });
    const body = sunriseBody();
    expect((await t.send(body, "key-7")).status).toBe(500);
    const retry = await t.send(body, "key-7");
    expect(retry.status).toBe(200);
    expect(await count(t.store, "dealer_orders")).toBe(1);
    expect(t.sent).toEqual({ text: 1, email: 1 });
  });

  it("resumes after the steps committed: reuses the order, invoice and payment request, sends once", async () => {
    const t = await setup();
    const idempotency = {
      ...t.deps.idempotency,
      markDelivering: failingOnce(t.deps.idempotency.markDelivering, "lost the process here"),
    };
    const deps = { ...t.deps, idempotency };
    const body = sunriseBody();
    expect((await t.send(body, "key-8", { deps })).status).toBe(500);
    expect(t.sent).toEqual({ text: 0, email: 0 });
    const retry = await t.send(body, "key-8", { deps });
    expect(retry.status).toBe(200);
    expect(retry.timeline.map((s) => s.step)).toContain("resume");
    expect(await count(t.store, "dealer_orders")).toBe(1);
    expect(await count(t.store, "invoices")).toBe(1);
    expect(await count(t.store, "payment_requests")).toBe(1);
    expect(t.sent).toEqual({ text: 1, email: 1 });
  });

  it("does not send again when the first attempt may already have handed messages over, and says so", async () => {
    const t = await setup();
    // The call's last transaction (the delivery's record with the audit row) fails once, as if the process died.
    const recordOnce = failingOnce(t.deps.run, "crashed after sending");
    const run: ProgramRunner = (program, args) =>
      program === recordCallProgram && (args as RecordCallArgs).delivery
        ? recordOnce(program, args)
        : t.deps.run(program, args);
    const deps = { ...t.deps, run };
    const body = sunriseBody();
    expect((await t.send(body, "key-9", { deps })).status).toBe(500);
    expect(t.sent).toEqual({ text: 1, email: 1 });
    const retry = await t.send(body, "key-9", { deps });
    expect(retry.status).toBe(200);
    expect(t.sent).toEqual({ text: 1, email: 1 });
    const body200 = retry.body as {
      textSent: string;
      emailSent: string;
      warnings: { warningCode: number }[];
    };
    expect(body200.textSent).toBe("FAILURE");
    expect(body200.emailSent).toBe("FAILURE");
    expect(body200.warnings.map((w) => w.warningCode)).toEqual([
      WARNINGS.DELIVERY_NOT_REPEATED.code,
      WARNINGS.DELIVERY_NOT_REPEATED.code,
    ]);
    expect(await count(t.store, "payment_requests")).toBe(1);
  });

  it("forgets keys after the retention period: the same key is then a new request", async () => {
    const t = await setup();
    const body = sunriseBody();
    await t.send(body, "key-10");
    expect(await t.deps.idempotency.prune(-1)).toBe(1);
    const again = await t.send(body, "key-10");
    expect(again.replayed).toBeUndefined();
    expect(await count(t.store, "payment_requests")).toBe(2);
  });

  it("records a replay in the audit log with the key and the original's objects", async () => {
    const t = await setup();
    const body = sunriseBody();
    const first = await t.send(body, "key-11");
    await t.send(body, "key-11");
    const rows = await t.store.sql.all<Record<string, unknown>>(
      "select * from audit_log where idempotency_key = 'key-11' order by seq",
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      http_status: 200,
      payment_request_uuid: (first.body as { paymentRequestUuid: string }).paymentRequestUuid,
    });
    expect(String(rows[1]?.timeline)).toContain("replay");
  });
});
