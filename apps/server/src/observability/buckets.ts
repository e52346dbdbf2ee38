/** Seconds for a whole HTTP request or send call: from a cached credential's few ms to a provider's timeout. */
export const CALL_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Seconds for one step of the send path. Steps are timed in whole milliseconds (the audit timeline's clock), so
 * a step under 1 ms counts in the first bucket.
 */
export const STEP_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
