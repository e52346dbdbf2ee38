import { createHash } from "node:crypto";
import type { Clock, IdGenerator } from "../ids.ts";
import type { CreatedPaymentRequest, Invoice, PaymentRequestFlags } from "../ports.ts";
import { randomBytesFromPool } from "../random-pool.ts";
import type { BackendStatements } from "./statements.ts";

export type PaymentUrlSettings = { baseUrl: string; ttlMs: number };

type Deps = {
  statements: BackendStatements;
  clock: Clock;
  ids: IdGenerator;
  paymentUrls: PaymentUrlSettings;
};

/** Only the hash of a payment token is stored, so the database alone never yields a working payment link. */
export const hashPaymentToken = (token: string): string => createHash("sha256").update(token).digest("hex");

const bit = (value: boolean) => (value ? 1 : 0);

/** Step 3. The token carries 256 random bits. */
export const createPaymentRequest = (
  { statements, clock, ids, paymentUrls }: Deps,
  input: { invoice: Invoice; flags: PaymentRequestFlags; requestId: string },
): CreatedPaymentRequest => {
  const token = randomBytesFromPool(32).toString("base64url");
  const now = clock.now();
  const uuid = ids.next();
  const expiresAt = now + paymentUrls.ttlMs;
  statements.insertPaymentRequest.run({
    uuid,
    invoiceUuid: input.invoice.uuid,
    departmentUuid: input.invoice.departmentUuid,
    tokenHash: hashPaymentToken(token),
    expiresAt,
    attachInvoice: bit(input.flags.attachInvoice),
    esignRequired: bit(input.flags.esignRequired),
    sendAsText: bit(input.flags.sendAsText),
    sendAsEmail: bit(input.flags.sendAsEmail),
    requestId: input.requestId,
    now,
  });
  const paymentUrl = `${paymentUrls.baseUrl.replace(/\/+$/, "")}/${token}`;
  return {
    uuid,
    invoiceUuid: input.invoice.uuid,
    paymentUrl,
    invoiceUrl: `${paymentUrl}/invoice`,
    expiresAt,
  };
};
