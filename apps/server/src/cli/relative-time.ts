import { parseDuration } from "../config.ts";
import { UsageError } from "./output.ts";

/**
 * `--since 24h` (that long ago), `2026-11-23` (midnight UTC) or a full ISO date-time, as an ISO date-time.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const toIsoTime = (text: string, flag: string, now = Date.now()): string => {
  const ago = parseDuration(text);
  if (ago !== undefined && /[a-z]$/.test(text)) return new Date(now - ago).toISOString();
  const ms = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
  // A date that does not exist (2026-13-45) does not parse: refused like any other bad value.
  if (Number.isNaN(ms) || !(DATE.test(text) || text.includes("T"))) {
    throw new UsageError(`${flag} must be a duration ago (24h, 7d), a date (2026-11-23) or an ISO date-time`);
  }
  return new Date(ms).toISOString();
};
