import { describe, expect, it } from "vitest";
import { UsageError } from "./output.ts";
import { toIsoTime } from "./relative-time.ts";

const NOW = Date.parse("2026-12-02T12:00:00Z");

describe("toIsoTime", () => {
  it("reads a duration ago, a date and an ISO date-time", () => {
    expect(toIsoTime("24h", "--since", NOW)).toBe("2026-12-01T12:00:00.000Z");
    expect(toIsoTime("2026-11-23", "--since", NOW)).toBe("2026-11-23T00:00:00.000Z");
    expect(toIsoTime("2024-02-29", "--since", NOW)).toBe("2024-02-29T00:00:00.000Z");
    expect(toIsoTime("2026-11-23T10:30:00+02:00", "--since", NOW)).toBe("2026-11-23T08:30:00.000Z");
  });

  // Date.parse rolls an impossible day over into the next month (2026-02-31 is read as 2026-03-03).
  it.each([
    "2026-02-31",
    "2026-02-29",
    "2026-04-31",
    "2026-13-45",
    "2026-02-30T10:00:00Z",
    "2026-06-31T00:00:00+02:00",
  ])("refuses %s, a date that does not exist", (text) => {
    expect(() => toIsoTime(text, "--since", NOW)).toThrow(UsageError);
    expect(() => toIsoTime(text, "--since", NOW)).toThrow(
      "--since must be a duration ago (24h, 7d), a date (2026-11-23) or an ISO date-time",
    );
  });
});
