import type { Clock, IdGenerator } from "../ids.ts";
import type { CreatedPaymentRequest, Invoice, PaymentRequestFlags } from "../ports.ts";
import { newPaymentToken } from "./payment-token.ts";
import type { BackendStatements } from "./statements.ts";

export type PaymentUrlSettings = { baseUrl: string; ttlMs: number };

type Deps = {
  statements: BackendStatements;
  clock: Clock;
  ids: IdGenerator;
  paymentUrls: PaymentUrlSettings;
};

const bit = (value: boolean) => (value ? 1 : 0);

/** Step 3. The link's token carries 256 random bits; only their hash is stored. */
export const createPaymentRequest = (
  { statements, clock, ids, paymentUrls }: Deps,
  input: { invoice: Invoice; flags: PaymentRequestFlags; requestId: string },
): CreatedPaymentRequest => {
  const now = clock.now();
  const uuid = ids.next();
  const { token, secretHash } = newPaymentToken(uuid);
  const expiresAt = now + paymentUrls.ttlMs;
  statements.insertPaymentRequest.run({
    uuid,
    invoiceUuid: input.invoice.uuid,
    departmentUuid: input.invoice.departmentUuid,
    tokenHash: secretHash,
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
