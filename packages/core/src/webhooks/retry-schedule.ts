/** Standard Webhooks' schedule after the first attempt: about three days in all. */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
] as const;

/** An endpoint whose attempts have failed for this long, with no success between, is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;

/** How one attempt ended, and so what happens next. */
export type AttemptVerdict =
  | { outcome: "delivered" }
  | { outcome: "retry"; nextAttemptAt: number }
  | { outcome: "failed"; reason: string }
  | { outcome: "gone" };

/**
 * After attempt number `attempt` (1 for the first): 2xx is delivered; 410 disables the endpoint; anything else
 * (3xx included, no answer) waits for the next step of the schedule, ±10 % jitter so that a receiver coming back
 * is not hit by every retry at once, but no sooner than a 429's or 503's Retry-After; after the last step it is
 * failed. A replayed delivery is one attempt.
 */
export const verdictOf = (
  answer: { status: number; retryAfterMs?: number | undefined } | undefined,
  attempt: number,
  options: { now: number; schedule: readonly number[]; replaying: boolean; random?: () => number },
): AttemptVerdict => {
  if (answer && answer.status >= 200 && answer.status < 300) return { outcome: "delivered" };
  if (answer?.status === 410) return { outcome: "gone" };
  const delay = options.schedule[attempt - 1];
  if (options.replaying || delay === undefined) {
    return { outcome: "failed", reason: options.replaying ? "replay failed" : "retries exhausted" };
  }
  const jitter = 1 + ((options.random ?? Math.random)() * 2 - 1) * 0.1;
  const asked = answer && (answer.status === 429 || answer.status === 503) ? (answer.retryAfterMs ?? 0) : 0;
  return { outcome: "retry", nextAttemptAt: options.now + Math.max(Math.round(delay * jitter), asked) };
};
