import type { LogFields, Logger } from "@payreq/core";
import type { LogLevel } from "./config.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

// Level colours for a person at a terminal: grey, green, yellow, red.
const COLOUR: Record<LogLevel, string> = { debug: "90", info: "32", warn: "33", error: "31" };

export type LogRecord = { time: string; level: LogLevel; msg: string } & LogFields;

const json = (record: LogRecord) => `${JSON.stringify(record)}\n`;

/** `12:34:56.789 INFO  request route=/pay/:token status=200 ms=3`: values JSON-quoted only when they need it. */
export const prettyLine = (record: LogRecord): string => {
  const { time, level, msg, ...fields } = record;
  const value = (v: unknown) =>
    typeof v === "string" && /^[^\s"=]+$/.test(v) ? v : typeof v === "number" ? String(v) : JSON.stringify(v);
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}=${value(v)}`)
    .join("");
  const label = `\u001b[${COLOUR[level]}m${level.toUpperCase().padEnd(5)}\u001b[0m`;
  return `${time.slice(11, 23)} ${label} ${JSON.stringify(msg).slice(1, -1)}${rest}\n`;
};

export type LoggerOptions = {
  level?: LogLevel;
  /** Human-readable lines instead of JSON: for a person at a terminal only. */
  pretty?: boolean;
  write?: (line: string) => void;
};

/**
 * One JSON object per line (time, level, msg, then the fields), below `level` dropped. JSON escapes CR/LF, so
 * input cannot forge a log line; callers never pass headers, passwords or contact details.
 */
export const createLogger = (options: LoggerOptions = {}): Logger & Required<Pick<Logger, "debug">> => {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const format = options.pretty ? prettyLine : json;
  const threshold = RANK[options.level ?? "info"];
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (RANK[level] < threshold) return;
      write(format({ time: new Date().toISOString(), level, msg: message, ...fields }));
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
};
