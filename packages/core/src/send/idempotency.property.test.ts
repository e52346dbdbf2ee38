import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { count, sunriseBody } from "../../test/helpers.ts";
import { openTestStore, TEST_STORES } from "../../test/test-stores.ts";
import type { Notifier, TextMessage } from "../ports/notifier.ts";
import type { ProgramRunner } from "../ports/store.ts";
import { createTestCore, testMeta } from "../testing.ts";
import { type RecordCallArgs, recordCallProgram } from "./record-call.ts";
import { sendPaymentRequest } from "./send-payment-request.ts";

type Fault = "none" | "notifier-throws" | "notifier-hangs" | "crash-before-delivery" | "crash-after-delivery";

const command = fc.record({
  key: fc.integer({ min: 0, max: 2 }),
  fault: fc.constantFrom<Fault>(
    "none",
    "none",
    "notifier-throws",
    "notifier-hangs",
    "crash-before-delivery",
    "crash-after-delivery",
  ),
  concurrent: fc.boolean(),
});

describe.each(TEST_STORES)("retries with one key never message a customer twice, on %s", (kind) => {
  it("holds for any sequence of sends, retries and faults", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        let fault: Fault = "none";
        const handed = new Map<string, number>();
        const hand = (channel: string, text: string) => {
          const url = /https:\/\/\S+\/p\/[A-Za-z0-9_-]{64}/.exec(text)?.[0] ?? "?";
          handed.set(`${channel} ${url}`, (handed.get(`${channel} ${url}`) ?? 0) + 1);
        };
        const behave = (signal: AbortSignal) =>
          fault === "notifier-throws"
            ? Promise.reject(new Error("provider down"))
            : fault === "notifier-hangs"
              ? new Promise<never>((_, reject) =>
                  signal.addEventListener("abort", () => reject(new Error("aborted"))),
                )
              : Promise.resolve({ provider: "test" });
        const notifier: Notifier = {
          sendText: (message: TextMessage, signal) => {
            hand("text", message.body);
            return behave(signal);
          },
          sendEmail: (message, signal) => {
            hand("email", message.text);
            return behave(signal);
          },
        };
        const t = await createTestCore({ notifier, deliveryTimeoutMs: 20, store: await openTestStore(kind) });
        const sender = await t.principalOf(t.demo.credentials.sunriseSender);
        const bodies = [0, 1, 2].map(() => sunriseBody());
        const crashing = {
          ...t.deps,
          idempotency: {
            ...t.deps.idempotency,
            markDelivering: async (id: number) => {
              if (fault === "crash-before-delivery") throw new Error("crash");
              return t.deps.idempotency.markDelivering(id);
            },
          },
          // The call's last transaction (the delivery's record and its audit row) fails, as if the process died.
          run: (async (program, args) => {
            if (
              fault === "crash-after-delivery" &&
              program === recordCallProgram &&
              (args as RecordCallArgs).delivery
            )
              throw new Error("crash");
            return t.deps.run(program, args);
          }) as ProgramRunner,
        };
        const send = (key: number) =>
          sendPaymentRequest(
            crashing,
            sender,
            t.demo.ids.departments.sunrise,
            bodies[key],
            testMeta({ idempotencyKey: `key-${key}` }),
          );
        for (const step of commands) {
          fault = step.fault;
          const results = await Promise.all(
            step.concurrent ? [send(step.key), send(step.key)] : [send(step.key)],
          );
          for (const result of results) expect([200, 409, 500]).toContain(result.status);
        }
        for (const times of handed.values()) expect(times).toBe(1);
        const requests = await count(t.store, "payment_requests");
        expect(requests).toBeLessThanOrEqual(new Set(commands.map((c) => c.key)).size);
        await t.store.close();
      }),
      // A fresh PostgreSQL database per run costs more: fewer runs there, the same properties.
      { numRuns: kind === "sqlite" ? 60 : 20 },
    );
  });
});
