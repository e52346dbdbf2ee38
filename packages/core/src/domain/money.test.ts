import { describe, expect, it } from "vitest";
import { formatMoney, toCents } from "./money.ts";

describe("money", () => {
  it.each([
    [0, "$0.00"],
    [5, "$0.05"],
    [12550, "$125.50"],
    [123456789, "$1,234,567.89"],
    [1_000_000_000, "$10,000,000.00"],
    [-250, "-$2.50"],
  ])("formats %d cents as %s", (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it("converts amounts with two decimals to cents exactly", () => {
    for (const amount of [0.29, 19.99, 125.5, 9_999_999.99]) expect(toCents(amount) / 100).toBe(amount);
  });
});
