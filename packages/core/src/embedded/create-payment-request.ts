import type { CreatedPaymentRequest, Invoice, PaymentRequestFlags } from "../ports.ts";
import { newPaymentToken } from "./payment-token.ts";
import { insertPaymentRequest } from "./platform-queries.ts";
import type { StepContext } from "./resolve-order.ts";

export type PaymentUrlSettings = { baseUrl: string; ttlMs: number };

/** Step 3. The link's token carries 256 random bits; only their hash is stored. */
export const createPaymentRequest = async (
  { tx, clock, ids }: StepContext,
  paymentUrls: PaymentUrlSettings,
  input: { invoice: Invoice; flags: PaymentRequestFlags; requestId: string },
): Promise<CreatedPaymentRequest> => {
  const now = clock.now();
  const uuid = ids.next();
  const { token, secretHash } = newPaymentToken(uuid);
  const expiresAt = now + paymentUrls.ttlMs;
  await insertPaymentRequest(
    tx,
    {
      uuid,
      invoiceUuid: input.invoice.uuid,
      departmentUuid: input.invoice.departmentUuid,
      tokenHash: secretHash,
      expiresAt,
      ...input.flags,
      requestId: input.requestId,
    },
    now,
  );
  const paymentUrl = `${paymentUrls.baseUrl.replace(/\/+$/, "")}/${token}`;
  return {
    uuid,
    invoiceUuid: input.invoice.uuid,
    paymentUrl,
    invoiceUrl: `${paymentUrl}/invoice`,
    expiresAt,
  };
};
