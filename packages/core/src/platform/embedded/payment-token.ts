import { createHash, timingSafeEqual } from "node:crypto";
import { randomBytesFromPool } from "../../domain/random-pool.ts";

/**
 * A payment link's token: the payment request's id (16 bytes) and a 256-bit secret, base64url (64 characters).
 * The id finds the row by its time-ordered primary key; only the secret's SHA-256 is stored, and compared in
 * constant time. A database copy never yields a working link, and no random-keyed index is written per call.
 */
export const newPaymentToken = (paymentRequestUuid: string): { token: string; secretHash: string } => {
  const secret = randomBytesFromPool(32);
  const token = Buffer.concat([Buffer.from(paymentRequestUuid.replaceAll("-", ""), "hex"), secret]).toString(
    "base64url",
  );
  return { token, secretHash: hashSecret(secret) };
};

const hashSecret = (secret: Buffer) => createHash("sha256").update(secret).digest("hex");

export const PAYMENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;

/** The payment request a token names, if its secret matches `storedHash`. */
export const readPaymentToken = (
  token: string,
): { paymentRequestUuid: string; matches(storedHash: string): boolean } | undefined => {
  if (!PAYMENT_TOKEN_PATTERN.test(token)) return undefined;
  const bytes = Buffer.from(token, "base64url");
  const hex = bytes.subarray(0, 16).toString("hex");
  const paymentRequestUuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const actual = Buffer.from(hashSecret(bytes.subarray(16)), "hex");
  return {
    paymentRequestUuid,
    matches: (storedHash) => {
      const expected = Buffer.from(storedHash, "hex");
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
};
