import { parseDuration } from "../config.ts";
import { UsageError } from "./output.ts";

/**
 * `--since 24h` (that long ago), `2026-11-23` (midnight UTC) or a full ISO date-time, as an ISO date-time.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether the text starts with a day the calendar has: Date.parse reads 2026-02-31 as 2026-03-03. */
const startsWithRealDay = (text: string) => {
  const [, year, month, day] = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? [];
  if (!year) return false;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
};

export const toIsoTime = (text: string, flag: string, now = Date.now()): string => {
  const ago = parseDuration(text);
  if (ago !== undefined && /[a-z]$/.test(text)) return new Date(now - ago).toISOString();
  const ms = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
  // A date that does not exist (2026-13-45, 2026-02-31) is refused like any other bad value.
  if (Number.isNaN(ms) || !(DATE.test(text) || text.includes("T")) || !startsWithRealDay(text)) {
    throw new UsageError(`${flag} must be a duration ago (24h, 7d), a date (2026-11-23) or an ISO date-time`);
  }
  return new Date(ms).toISOString();
};
