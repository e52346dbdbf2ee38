import { describe, expect, it } from "vitest";
import { smsSize, toE164 } from "./sms-segments.ts";

describe("SMS size", () => {
  it.each([
    ["a".repeat(160), "GSM-7", 160, 1],
    ["a".repeat(161), "GSM-7", 161, 2],
    ["a".repeat(306), "GSM-7", 306, 2],
    ["a".repeat(307), "GSM-7", 307, 3],
    ["€".repeat(80), "GSM-7", 160, 1],
    ["é".repeat(10), "GSM-7", 10, 1],
    ["ü🚗".repeat(35), "UCS-2", 105, 2],
    ["ł".repeat(70), "UCS-2", 70, 1],
    ["ł".repeat(71), "UCS-2", 71, 2],
  ])("sizes %#", (body, encoding, length, segments) => {
    expect(smsSize(body)).toEqual({ encoding, length, segments });
  });
});

describe("E.164", () => {
  it.each([
    ["+13125550101", "+13125550101"],
    ["+1 (312) 555-0101", "+13125550101"],
    ["+44 20 7946 0958", "+442079460958"],
    ["3125550101", undefined],
    ["+0123456", undefined],
    ["+1234567890123456", undefined],
    ["+1-800-FLOWERS", undefined],
  ])("%s → %s", (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });
});
