import { TRPCClientError } from "@trpc/client";
import type { PayreqClientError } from "./router-types.ts";

/** What to do after a failed call, following the service's rules for retries (see the README). */
export type RetryAdvice =
  | { retry: false; reason: string }
  | {
      retry: true;
      /** Wait this long first: the server's Retry-After when it sent one, else a backoff for this attempt. */
      afterMs: number;
      /**
       * Resend the same input with the same idempotencyKey: the service replays or resumes the first call and
       * never texts twice. A send without a key must not be retried blindly; it may already have been delivered.
       */
      sameIdempotencyKey: true;
      reason: string;
    };

const MAX_BACKOFF_MS = 10_000;

/** 250 ms, 500 ms, 1 s, … jittered between half and the whole, so many callers do not retry in step. */
const backoffMs = (attempt: number) => {
  const ceiling = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
};

const retryAfterMs = (error: PayreqClientError) => {
  const response = error.meta?.response;
  const header = response instanceof Response ? response.headers.get("retry-after") : null;
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
};

export const isPayreqError = (error: unknown): error is PayreqClientError => error instanceof TRPCClientError;

/**
 * Whether a failed call is worth repeating, and when. `attempt` counts the retries made so far (0 for the first).
 * Refusals of the request itself (400, 401, 403, 404, 413, 415, 422) are not: they fail the same way again.
 */
export const retryAdvice = (error: unknown, attempt = 0): RetryAdvice => {
  if (!isPayreqError(error)) return { retry: false, reason: "not an error from the payreq client" };
  const status = error.data?.httpStatus;
  const wait = (reason: string) =>
    ({
      retry: true,
      afterMs: retryAfterMs(error) ?? backoffMs(attempt),
      sameIdempotencyKey: true,
      reason,
    }) as const;
  // No answer from the service: a timeout or a dropped connection; the call may or may not have run.
  if (status === undefined) return wait("no answer from the service");
  if (status === 409) return wait("the same Idempotency-Key is still running");
  if (status === 429) return wait("too many failed logins; check the credentials before retrying");
  if (status >= 500) return wait(`the service answered ${status}`);
  return {
    retry: false,
    reason: `the request was refused (${status} ${error.data?.errorCode ?? ""})`.trim(),
  };
};
