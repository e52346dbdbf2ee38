import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sunriseBody } from "../../test/helpers.ts";
import type { Notifier, TextMessage } from "../ports.ts";
import { createTestCore, testMeta } from "../testing.ts";
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

describe("retries with one key never message a customer twice", () => {
  it("holds for any sequence of sends, retries and faults", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        let fault: Fault = "none";
        const handed = new Map<string, number>();
        const count = (channel: string, text: string) => {
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
            count("text", message.body);
            return behave(signal);
          },
          sendEmail: (message, signal) => {
            count("email", message.text);
            return behave(signal);
          },
        };
        const t = await createTestCore({ notifier, deliveryTimeoutMs: 20 });
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
          backend: {
            ...t.deps.backend,
            recordDelivery: async (input: Parameters<typeof t.deps.backend.recordDelivery>[0]) => {
              if (fault === "crash-after-delivery") throw new Error("crash");
              return t.deps.backend.recordDelivery(input);
            },
          },
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
        const requests = t.database.sqlite.prepare("select count(*) as n from payment_requests").get() as {
          n: number;
        };
        expect(requests.n).toBeLessThanOrEqual(new Set(commands.map((c) => c.key)).size);
        await t.database.close();
      }),
      { numRuns: 60 },
    );
  });
});
