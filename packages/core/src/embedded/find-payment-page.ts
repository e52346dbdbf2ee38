import type { Sql } from "../store/sql.ts";
import { readPaymentToken } from "./payment-token.ts";

export type PaymentPage = {
  dealerName: string;
  orderType: string;
  orderNumber: string;
  description: string | null;
  /** The invoice's current amount: a reused invoice's update reaches every earlier link. */
  amountCents: number;
  invoiceStatus: "OPEN" | "PAID" | "VOID";
  expiresAt: number;
  esignRequired: boolean;
  attachInvoice: boolean;
  fileName: string | null;
  paidDate: string | null;
  paidAmountCents: number | null;
  refundedAmountCents: number | null;
};

/** What a payment link shows; looked up by the token's hash, the only form in which tokens are stored. */
export const findPaymentPage = async (sql: Sql, token: string): Promise<PaymentPage | undefined> => {
  const parsed = readPaymentToken(token);
  if (!parsed) return undefined;
  const row = await sql.get<
    Omit<PaymentPage, "esignRequired" | "attachInvoice"> & {
      esignRequired: number;
      attachInvoice: number;
      tokenHash: string;
    }
  >(
    `select d.name as "dealerName", o.order_type as "orderType", o.order_number as "orderNumber", i.description,
            i.amount_cents as "amountCents", i.status as "invoiceStatus", p.expires_at as "expiresAt",
            p.esign_required as "esignRequired", p.attach_invoice as "attachInvoice", i.file_name as "fileName",
            i.paid_date as "paidDate", i.paid_amount_cents as "paidAmountCents",
            i.refunded_amount_cents as "refundedAmountCents",
            p.token_hash as "tokenHash"
     from payment_requests p
     join invoices i on i.uuid = p.invoice_uuid
     join dealer_orders o on o.uuid = i.order_uuid
     join departments dep on dep.uuid = o.department_uuid
     join dealers d on d.uuid = dep.dealer_uuid
     where p.uuid = ?`,
    [parsed.paymentRequestUuid],
  );
  if (!row || !parsed.matches(row.tokenHash)) return undefined;
  const { tokenHash: _hash, ...page } = row;
  return { ...page, esignRequired: row.esignRequired === 1, attachInvoice: row.attachInvoice === 1 };
};
