import type { Invoice } from "../../domain/invoice.ts";
import type {
  CreatedPaymentRequest,
  PaymentRequestFlags,
  PaymentUrlSettings,
} from "../../domain/payment-request.ts";
import { newPaymentToken } from "./payment-token.ts";
import { insertPaymentRequest } from "./platform-queries.ts";
import { scheduleReminder } from "./reminder-schedule.ts";
import type { StepContext } from "./resolve-order.ts";

/**
 * Step 3. The link's token carries 256 random bits; only their hash is stored (and, while the invoice's reminder
 * is pending, the link itself, which the reminder repeats).
 */
export const createPaymentRequest = async (
  { tx, clock, ids }: StepContext,
  paymentUrls: PaymentUrlSettings,
  input: {
    invoice: Invoice;
    flags: PaymentRequestFlags;
    requestId: string;
    /** False for a new invoice without a reminderDate: no reminder to look up. */
    mayHaveReminder: boolean;
  },
): Promise<CreatedPaymentRequest> => {
  const now = clock.now();
  const uuid = ids.next();
  const { token, secretHash } = newPaymentToken(uuid);
  const requestedExpiry = now + paymentUrls.ttlMs;
  await insertPaymentRequest(
    tx,
    {
      uuid,
      invoiceUuid: input.invoice.uuid,
      departmentUuid: input.invoice.departmentUuid,
      tokenHash: secretHash,
      expiresAt: requestedExpiry,
      ...input.flags,
      requestId: input.requestId,
    },
    now,
  );
  const paymentUrl = `${paymentUrls.baseUrl.replace(/\/+$/, "")}/${token}`;
  const invoiceUrl = `${paymentUrl}/invoice`;
  const expiresAt = input.mayHaveReminder
    ? await scheduleReminder(
        tx,
        {
          invoiceUuid: input.invoice.uuid,
          departmentUuid: input.invoice.departmentUuid,
          paymentRequestUuid: uuid,
          paymentUrl,
          invoiceUrl,
          requestId: input.requestId,
          expiresAt: requestedExpiry,
          ttlMs: paymentUrls.ttlMs,
        },
        { clock, ids },
      )
    : requestedExpiry;
  return { uuid, invoiceUuid: input.invoice.uuid, paymentUrl, invoiceUrl, expiresAt };
};
