import { randomBytesFromPool } from "./random-pool.ts";

/**
 * UUIDv7 (RFC 9562): 48-bit millisecond time, then random bits, with a counter so ids made in one millisecond
 * still sort in creation order. Time-ordered keys keep B-tree inserts at the right edge of the index.
 */
export const createUuidV7Generator = (clock: { now(): number } = { now: Date.now }): { next(): string } => {
  let lastMs = 0;
  let counter = 0;
  return {
    next() {
      let ms = clock.now();
      if (ms <= lastMs) {
        ms = lastMs;
        counter++;
        if (counter > 0xfff) {
          ms = ++lastMs;
          counter = 0;
        }
      } else {
        counter = randomBytesFromPool(2).readUInt16BE() & 0x3ff;
      }
      lastMs = ms;
      const bytes = randomBytesFromPool(16);
      bytes.writeUIntBE(ms, 0, 6);
      bytes[6] = 0x70 | (counter >> 8);
      bytes[7] = counter & 0xff;
      bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
      const hex = bytes.toString("hex");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
};
