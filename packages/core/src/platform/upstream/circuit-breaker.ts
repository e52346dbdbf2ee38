export type BreakerState = "closed" | "open" | "half-open";

/**
 * Opens after `threshold` failures in a row so a dead upstream fails fast; after `coolDownMs` one trial call is let
 * through (half-open): its success closes the circuit, its failure opens it again.
 */
export const createCircuitBreaker = (options: {
  threshold: number;
  coolDownMs: number;
  now: () => number;
}) => {
  let failures = 0;
  let openedAt: number | undefined;
  let trialRunning = false;
  const state = (): BreakerState => {
    if (openedAt === undefined) return "closed";
    return options.now() - openedAt >= options.coolDownMs ? "half-open" : "open";
  };
  return {
    state,
    /** Whether a call may go out now; a half-open circuit lets one through at a time. */
    allow(): boolean {
      const current = state();
      if (current === "closed") return true;
      if (current === "open" || trialRunning) return false;
      trialRunning = true;
      return true;
    },
    succeeded(): void {
      failures = 0;
      openedAt = undefined;
      trialRunning = false;
    },
    failed(): void {
      trialRunning = false;
      failures++;
      if (openedAt !== undefined || failures >= options.threshold) openedAt = options.now();
    },
  };
};
