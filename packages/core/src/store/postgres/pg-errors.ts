import { StoreUnavailableError } from "../../ports/store.ts";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** SQLSTATEs that say the server went away or cannot take the connection now, not that the statement was wrong. */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);

/**
 * Whether a pg error means "the database could not be reached" (worth a 503 and a retry), as opposed to a
 * statement it refused. node-postgres reports a lost or timed-out connection as a plain Error without a code.
 */
export const meansUnavailable = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08")) return true;
  }
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection is closed/i.test(
    error.message,
  );
};

export const translate = (error: unknown): unknown =>
  meansUnavailable(error) ? new StoreUnavailableError(error) : error;
