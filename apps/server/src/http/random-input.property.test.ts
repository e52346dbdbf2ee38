import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";

const FIELDS = [
  "amount",
  "description",
  "refundedAmount",
  "paidDate",
  "reminderMileage",
  "invoiceAttributes",
  "dealerUuid",
  "orderUuid",
  "customerUuid",
  "dealerAssociateUuid",
  "sendAsText",
  "sendAsEmail",
  "orderNumber",
  "orderType",
  "sendAsTxt",
];

/** Any JSON value, including the awkward ones: deep, unicode-heavy, huge numbers. */
const anyJson = fc.jsonValue({ maxDepth: 6 });

/** Bodies that are almost right: every field present or not, each holding a value of any type. */
const nearlyValidBody = fc.dictionary(
  fc.constantFrom(...FIELDS),
  fc.oneof(anyJson, fc.string({ unit: "grapheme" })),
  {
    maxKeys: FIELDS.length,
  },
);

describe("random input never produces a 500", () => {
  it("holds for arbitrary JSON bodies, near-valid bodies and raw text", { timeout: 120_000 }, async () => {
    const t = await createTestApp();
    const body = fc.oneof(
      anyJson.map((value) => JSON.stringify(value)),
      nearlyValidBody.map((value) => JSON.stringify({ ...t.body(), ...value })),
      fc.string({ unit: "binary", maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("rest", "trpc"), async (text, transport) => {
        const res =
          transport === "rest"
            ? await t.post(text)
            : await t.app.request("/trpc/paymentRequests.send", {
                method: "POST",
                headers: { "Content-Type": "application/json", Authorization: t.sender },
                body: text,
              });
        expect(res.status).toBeLessThan(500);
        const json = (await res.json()) as Record<string, unknown>;
        if (transport === "rest") expect(Array.isArray(json.errors)).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect((await t.auditRows()).every((row) => Number(row.http_status) < 500)).toBe(true);
  });
});
