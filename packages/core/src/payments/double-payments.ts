import { insertAuditRow } from "../audit/write-audit.ts";
import type { CardProcessor } from "../ports/card-processor.ts";
import { ProcessorError } from "../ports/card-processor.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Store } from "../ports/store.ts";
import { type CheckoutSessionRow, SESSION_COLUMNS } from "./checkout-rows.ts";

export type RefundDeps = {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  processor: CardProcessor;
};

/**
 * Refunds the second payments marked for it (a session paid for an invoice already paid or cancelled), through
 * the processor, with an idempotency key per session so that a retry after a crash or a timeout refunds once.
 * A refund the processor refuses is marked failed with its reason, for ops to settle by hand; one it could not
 * be asked for (unreachable) stays pending for the next run. Each outcome is audited.
 */
export const refundDoublePayments = async (deps: RefundDeps, only?: string): Promise<number> => {
  const { store, clock, processor } = deps;
  const pending = await store.sql.all<CheckoutSessionRow>(
    `select ${SESSION_COLUMNS} from checkout_sessions
     where refund = 'pending'${only ? " and id = ?" : ""} order by updated_at limit 100`,
    only ? [only] : [],
  );
  let refunded = 0;
  for (const row of pending) {
    if (!row.paymentIntentId) continue;
    let outcome: { refund: "refunded" | "failed"; refundId: string | null; error: string | null };
    try {
      const refund = await processor.refundPayment({
        paymentIntentId: row.paymentIntentId,
        idempotencyKey: `payreq-refund-${row.id}`,
        metadata: {
          paymentRequestUuid: row.paymentRequestUuid,
          invoiceUuid: row.invoiceUuid,
          reason: "double payment",
        },
        account: row.stripeAccount ?? undefined,
      });
      outcome = { refund: "refunded", refundId: refund.id, error: null };
    } catch (error) {
      if (error instanceof ProcessorError && error.retryable) {
        deps.logger.warn("double payment not refunded yet", {
          checkoutSessionId: row.id,
          error: error.message,
        });
        continue;
      }
      outcome = {
        refund: "failed",
        refundId: null,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    await store.transaction(async (tx) => {
      const { changes } = await tx.run(
        `update checkout_sessions set refund = ?, refund_id = ?, refund_error = ?, updated_at = ?
         where id = ? and refund = 'pending'`,
        [outcome.refund, outcome.refundId, outcome.error, clock.now(), row.id],
      );
      if (changes === 0) return;
      const department = await tx.get<{ departmentUuid: string }>(
        `select department_uuid as "departmentUuid" from invoices where uuid = ?`,
        [row.invoiceUuid],
      );
      await insertAuditRow(
        tx,
        {
          meta: {
            requestId: deps.ids.next(),
            transport: "scheduler",
            operation: "payments.double-payment-refund",
            receivedAt: clock.now(),
          },
          departmentUuid: department?.departmentUuid,
          status: outcome.refund === "refunded" ? 200 : 502,
          requestBody: { checkoutSessionId: row.id, paymentIntentId: row.paymentIntentId },
          response: {
            errors: [],
            warnings: [],
            invoiceUuid: row.invoiceUuid,
            refund: outcome.refund,
            refundId: outcome.refundId,
            ...(outcome.error ? { reason: outcome.error } : {}),
          },
          touched: {
            invoiceUuid: row.invoiceUuid,
            invoiceCreated: false,
            paymentRequestUuid: row.paymentRequestUuid,
          },
        },
        deps,
      );
    });
    if (outcome.refund === "refunded") refunded += 1;
  }
  return refunded;
};
