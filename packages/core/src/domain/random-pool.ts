import { randomFillSync } from "node:crypto";

const POOL_SIZE = 16 * 1024;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * Bytes from the operating system's CSPRNG, drawn 16 KiB at a time: one system call serves hundreds of ids and
 * tokens instead of one each. Every byte is handed out once.
 */
export const randomBytesFromPool = (size: number): Buffer => {
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_SIZE, size)));
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
};
