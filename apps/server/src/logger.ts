import type { LogFields, Logger } from "@payreq/core";

type Level = "info" | "warn" | "error";

/**
 * One JSON object per line. JSON escapes CR/LF, so input cannot forge a log line; callers never pass
 * headers, passwords or contact details.
 */
export const createJsonLogger = (
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger => {
  const log =
    (level: Level) =>
    (message: string, fields: LogFields = {}) => {
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
    };
  return { info: log("info"), warn: log("warn"), error: log("error") };
};
