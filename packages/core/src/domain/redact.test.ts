import { describe, expect, it } from "vitest";
import { maskPaymentTokens, redactPersonalData, redactText } from "./redact.ts";

describe("redaction", () => {
  it.each([
    ["call +1 (312) 555-0101 today", "call *********01 today"],
    ["mail jane.doe@example.com please", "mail j***@example.com please"],
    ["<jane@example.com>", "<j***@example.com>"],
    ["RO-1234 for $125.50", "RO-1234 for $125.50"],
    ["2025-03-28T11:34:46.520Z", "2025-03-28T11:34:46.520Z"],
  ])("%j → %j", (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("keeps identifiers, dates and order numbers as they are", () => {
    const body = {
      customerUuid: "550e8400-e29b-41d4-a716-446655440000",
      orderNumber: "RO-123456789012",
      paidDate: "2025-03-28T11:34:46.520Z",
      description: "ring 3125550101",
      invoiceAttributes: { contact: "a@b.co" },
    };
    expect(redactPersonalData(body)).toEqual({
      ...body,
      description: "ring ********01",
      invoiceAttributes: { contact: "a***@b.co" },
    });
  });

  it("keeps webhook ids whole, digit runs and all, and masks a phone number beside them", () => {
    const ids = {
      id: "ep_01a2435003112345678973f9b4061733",
      replayed: ["dlv_01a24350999999999999cafe00000000"],
      note: "ring 3125550101",
    };
    expect(redactPersonalData(ids)).toEqual({ ...ids, note: "ring ********01" });
  });

  it("handles a long run without an address or a phone number", () => {
    const long = `${"x".repeat(100_000)}@`;
    expect(redactText(long)).toBe(long);
  });

  it("cuts payment tokens wherever they are, and nothing else", () => {
    const url = "https://pay.example/p/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdefghijklmnopqrstuvwxyz";
    expect(maskPaymentTokens(`Pay here: ${url} (or ${url}/invoice)`)).toBe(
      "Pay here: https://pay.example/p/AbCdEf… (or https://pay.example/p/AbCdEf…/invoice)",
    );
    expect(redactPersonalData({ paymentLink: url })).toEqual({
      paymentLink: "https://pay.example/p/AbCdEf…",
    });
    expect(maskPaymentTokens("RO-1234 and a 550e8400-e29b-41d4-a716-446655440000")).toBe(
      "RO-1234 and a 550e8400-e29b-41d4-a716-446655440000",
    );
  });
});
