import type { Sql } from "../ports/store.ts";

/** A Checkout Session as stored: what was asked of the processor for a payment request, and what came of it. */
export type CheckoutSessionRow = {
  id: string;
  paymentRequestUuid: string;
  invoiceUuid: string;
  dealerUuid: string;
  stripeAccount: string | null;
  number: number;
  amountCents: number;
  currency: string;
  url: string;
  status: "open" | "processing" | "complete" | "expired" | "failed";
  paymentIntentId: string | null;
  paidAmountCents: number | null;
  refund: "pending" | "refunded" | "failed" | null;
  refundId: string | null;
  refundError: string | null;
  expiresAt: number;
  createdAt: number;
  updatedAt: number;
};

export const SESSION_COLUMNS = `id, payment_request_uuid as "paymentRequestUuid", invoice_uuid as "invoiceUuid",
  dealer_uuid as "dealerUuid", stripe_account as "stripeAccount", number, amount_cents as "amountCents", currency,
  url, status, payment_intent_id as "paymentIntentId", paid_amount_cents as "paidAmountCents", refund,
  refund_id as "refundId", refund_error as "refundError", expires_at as "expiresAt", created_at as "createdAt",
  updated_at as "updatedAt"`;

export const getSession = (sql: Sql, id: string, forUpdate = "") =>
  sql.get<CheckoutSessionRow>(`select ${SESSION_COLUMNS} from checkout_sessions where id = ?${forUpdate}`, [
    id,
  ]);

/** The payment request's open session, if it has one (at most one: a partial unique index). */
export const openSessionOf = (sql: Sql, paymentRequestUuid: string) =>
  sql.get<CheckoutSessionRow>(
    `select ${SESSION_COLUMNS} from checkout_sessions where payment_request_uuid = ? and status = 'open'`,
    [paymentRequestUuid],
  );

/** The session that took a payment, by the processor's payment id. */
export const sessionOfPayment = (sql: Sql, paymentIntentId: string) =>
  sql.get<CheckoutSessionRow>(
    `select ${SESSION_COLUMNS} from checkout_sessions
     where payment_intent_id is not null and payment_intent_id = ?`,
    [paymentIntentId],
  );

/** Sessions for ops, newest first: all, or those of one invoice, or the double payments only. */
export const listSessions = (
  sql: Sql,
  filter: { invoiceUuid?: string | undefined; doublePayments?: boolean; limit?: number },
) => {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.invoiceUuid) {
    where.push("invoice_uuid = ?");
    params.push(filter.invoiceUuid);
  }
  if (filter.doublePayments) where.push("refund is not null");
  return sql.all<CheckoutSessionRow>(
    `select ${SESSION_COLUMNS} from checkout_sessions ${where.length ? `where ${where.join(" and ")}` : ""}
     order by created_at desc, id limit ?`,
    [...params, filter.limit ?? 100],
  );
};
