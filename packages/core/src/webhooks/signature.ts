import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

/** A new signing secret: whsec_ and 32 random bytes in base64 (Standard Webhooks allows 24 to 64). */
export const newWebhookSecret = (): string => `${PREFIX}${randomBytes(32).toString("base64")}`;

/** `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret's bytes. */
export const signatureOf = (secret: string, id: string, timestampSeconds: number, body: string): string =>
  `v1,${createHmac("sha256", Buffer.from(secret.slice(PREFIX.length), "base64"))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest("base64")}`;

/**
 * The Standard Webhooks headers of one attempt, signed anew at each attempt (its own timestamp) with every secret
 * that is valid: two, space-separated, for 24 hours after a rotation.
 */
export const webhookHeaders = (
  secrets: readonly string[],
  id: string,
  nowMs: number,
  body: string,
): Record<string, string> => {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "payreq-webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => signatureOf(secret, id, timestamp, body)).join(" "),
  };
};

/** A secret as ops and logs may see it: its prefix and first characters. */
export const maskSecret = (secret: string): string => `${secret.slice(0, PREFIX.length + 4)}…`;
