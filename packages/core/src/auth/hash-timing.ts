import { randomInt } from "node:crypto";

/**
 * How long recent password hashes took, so that an unknown username can wait as long as a real check would have
 * taken (drawn from the same spread) without spending the CPU. Until a real check has been timed, `seed` stands in.
 */
export const createHashTiming = (seed: () => Promise<number>, size = 32) => {
  const samples: number[] = [];
  let next = 0;
  return {
    record(ms: number): void {
      if (samples.length < size) samples.push(ms);
      else samples[next] = ms;
      next = (next + 1) % size;
    },
    sample: async (): Promise<number> =>
      samples.length === 0 ? seed() : (samples[randomInt(samples.length)] ?? 0),
  };
};

export type HashTiming = ReturnType<typeof createHashTiming>;
