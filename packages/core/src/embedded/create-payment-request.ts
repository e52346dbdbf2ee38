import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/open-database.ts";
import { paymentRequests } from "../db/schema.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { CreatedPaymentRequest, Invoice, PaymentRequestFlags } from "../ports.ts";

export type PaymentUrlSettings = { baseUrl: string; ttlMs: number };

type Deps = { db: Db; clock: Clock; ids: IdGenerator; paymentUrls: PaymentUrlSettings };

/** Only the hash of a payment token is stored, so the database alone never yields a working payment link. */
export const hashPaymentToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** Step 3. The token carries 256 random bits. */
export const createPaymentRequest = (
  { db, clock, ids, paymentUrls }: Deps,
  input: { invoice: Invoice; flags: PaymentRequestFlags; requestId: string },
): CreatedPaymentRequest => {
  const token = randomBytes(32).toString("base64url");
  const now = clock.now();
  const uuid = ids.next();
  const expiresAt = now + paymentUrls.ttlMs;
  db.insert(paymentRequests)
    .values({
      uuid,
      invoiceUuid: input.invoice.uuid,
      departmentUuid: input.invoice.departmentUuid,
      tokenHash: hashPaymentToken(token),
      expiresAt,
      ...input.flags,
      requestId: input.requestId,
      createdAt: now,
    })
    .run();
  const paymentUrl = `${paymentUrls.baseUrl.replace(/\/+$/, "")}/${token}`;
  return {
    uuid,
    invoiceUuid: input.invoice.uuid,
    paymentUrl,
    invoiceUrl: `${paymentUrl}/invoice`,
    expiresAt,
  };
};
