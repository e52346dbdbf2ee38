import { UsageError } from "../formats/output.ts";
import { toIsoTime } from "../formats/relative-time.ts";

export type QueryValues = Record<string, string>;

/** Filters as links carry them: a field left undefined is not in the link. */
export type LinkValues = Record<string, string | undefined>;

/** The query string without empty fields, as the filter form and its links carry it. */
export const presentValues = (query: QueryValues): QueryValues =>
  Object.fromEntries(
    Object.entries(query)
      .map(([key, value]) => [key, value.trim()] as const)
      .filter(([, value]) => value !== ""),
  );

/**
 * A page's filters as the input of a read: times may be written as the CLI takes them (`24h`, `7d`, a date, an
 * ISO date-time) and become ISO; everything else goes on as typed, for the read to validate and explain.
 */
export const toReadInput = (values: QueryValues, now: number): { input: QueryValues; problems: string[] } => {
  const input: QueryValues = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (key !== "since" && key !== "until") {
      input[key] = value;
      continue;
    }
    try {
      input[key] = toIsoTime(value, key, now);
    } catch (error) {
      // toIsoTime throws a RangeError for a date that does not exist (2026-13-45): the same mistake to the user.
      if (!(error instanceof UsageError || error instanceof RangeError)) throw error;
      problems.push(`${key} must be a duration ago (24h, 7d), a date (2026-11-23) or an ISO date-time`);
    }
  }
  return { input, problems };
};

/**
 * A GET form sends its empty fields too; the console answers such a request with a redirect to the same filters
 * without them, so the address bar holds a short link worth sharing.
 */
export const withoutEmptyFields = (url: string): string | undefined => {
  const { pathname, searchParams } = new URL(url);
  const values = [...searchParams.values()];
  if (!values.some((value) => value.trim() === "")) return undefined;
  return linkTo(pathname, Object.fromEntries(searchParams));
};

/** A console link carrying filters; empty ones are left out so shared links stay short. */
export const linkTo = (path: string, values: LinkValues = {}): string => {
  const present = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const search = new URLSearchParams(presentValues(Object.fromEntries(present))).toString();
  return search ? `${path}?${search}` : path;
};
