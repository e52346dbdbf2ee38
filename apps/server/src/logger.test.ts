import { describe, expect, it } from "vitest";
import { createLogger, prettyLine } from "./logger.ts";

const capture = (options: Parameters<typeof createLogger>[0] = {}) => {
  const lines: string[] = [];
  return { lines, logger: createLogger({ ...options, write: (line) => lines.push(line) }) };
};

describe("the logger", () => {
  it("writes one JSON object per line: time, level, msg, then the fields", () => {
    const { lines, logger } = capture();
    logger.info("request", { requestId: "r-1", status: 200, note: "two\nlines" });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    expect(lines[0]?.split("\n")).toHaveLength(2);
    const record = JSON.parse(lines[0] ?? "");
    expect(Object.keys(record)).toEqual(["time", "level", "msg", "requestId", "status", "note"]);
    expect(record).toMatchObject({ level: "info", msg: "request", requestId: "r-1", status: 200 });
    expect(new Date(record.time).toISOString()).toBe(record.time);
  });

  it.each([
    ["debug", ["debug", "info", "warn", "error"]],
    ["info", ["info", "warn", "error"]],
    ["warn", ["warn", "error"]],
    ["error", ["error"]],
  ] as const)("at level %s writes %j", (level, written) => {
    const { lines, logger } = capture({ level });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(lines.map((line) => JSON.parse(line).level)).toEqual(written);
  });

  it("writes readable lines for a terminal when asked", () => {
    const { lines, logger } = capture({ pretty: true });
    logger.warn("database busy", { requestId: "r-2", ms: 12, error: "two words" });
    const line = lines[0] ?? "";
    expect(() => JSON.parse(line)).toThrow();
    const esc = String.fromCharCode(27);
    expect(line).toContain(`${esc}[33mWARN ${esc}[0m`);
    const plain = line.replace(`${esc}[33m`, "").replace(`${esc}[0m`, "");
    expect(plain).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}database busy requestId=r-2 ms=12 error="two words"\n$/,
    );
  });

  it("keeps a forged line break out of a pretty line", () => {
    const line = prettyLine({ time: new Date().toISOString(), level: "info", msg: "a\nb", field: "c\nd" });
    expect(line.split("\n")).toHaveLength(2);
  });
});
