/** The time, passed in so that tests control it. */
export type Clock = { now(): number };

/** New ids (UUIDv7 in the service: see domain/ids.ts). */
export type IdGenerator = { next(): string };

export const systemClock: Clock = { now: () => Date.now() };
