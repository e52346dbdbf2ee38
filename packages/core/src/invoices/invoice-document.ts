import type { InvoiceStatus } from "../domain/invoice.ts";
import type { Sql } from "../ports/store.ts";

/** What the invoice PDF shows: the invoice as it stands, with the order, the dealer and the customer's name. */
export type InvoiceDocument = {
  invoiceUuid: string;
  invoiceStatus: InvoiceStatus;
  createdAt: number;
  amountCents: number;
  description: string | null;
  invoiceAttributes: Record<string, string>;
  fileName: string | null;
  paidDate: string | null;
  paidAmountCents: number | null;
  refundedAmountCents: number | null;
  reminderDate: string | null;
  reminderMileage: number | null;
  esignRequired: boolean;
  dealerName: string;
  departmentName: string;
  orderType: string;
  orderNumber: string;
  customerName: string;
};

/** A payment request's invoice, with what its link needs: the link's expiry and whether it offers the invoice. */
export type PaymentRequestInvoice = InvoiceDocument & {
  paymentRequestUuid: string;
  orderUuid: string;
  departmentUuid: string;
  dealerUuid: string;
  expiresAt: number;
  attachInvoice: boolean;
  /** When the customer first opened the link, if they have. */
  viewedAt: number | null;
};

type Flag = "esignRequired" | "attachInvoice";
type Row = Omit<PaymentRequestInvoice, "invoiceAttributes" | Flag> &
  Record<Flag, number> & { invoiceAttributes: string | null; tokenHash: string };

/** The invoice of a payment request, with the hash of its link's secret. */
export const loadPaymentRequestInvoice = async (
  sql: Sql,
  paymentRequestUuid: string,
): Promise<(PaymentRequestInvoice & { tokenHash: string }) | undefined> => {
  const row = await sql.get<Row>(
    `select i.uuid as "invoiceUuid", i.status as "invoiceStatus", i.created_at as "createdAt",
            i.amount_cents as "amountCents", i.description, i.invoice_attributes as "invoiceAttributes",
            i.file_name as "fileName", i.paid_date as "paidDate", i.paid_amount_cents as "paidAmountCents",
            i.refunded_amount_cents as "refundedAmountCents", i.reminder_date as "reminderDate",
            i.reminder_mileage as "reminderMileage", p.esign_required as "esignRequired",
            p.attach_invoice as "attachInvoice", p.expires_at as "expiresAt", p.token_hash as "tokenHash",
            p.uuid as "paymentRequestUuid", p.viewed_at as "viewedAt", o.uuid as "orderUuid",
            dep.uuid as "departmentUuid", dep.dealer_uuid as "dealerUuid",
            l.name as "dealerName", dep.name as "departmentName", o.order_type as "orderType",
            o.order_number as "orderNumber", c.first_name || ' ' || c.last_name as "customerName"
     from payment_requests p
     join invoices i on i.uuid = p.invoice_uuid
     join dealer_orders o on o.uuid = i.order_uuid
     join customers c on c.uuid = o.customer_uuid
     join departments dep on dep.uuid = o.department_uuid
     join dealers l on l.uuid = dep.dealer_uuid
     where p.uuid = ?`,
    [paymentRequestUuid],
  );
  if (!row) return undefined;
  return {
    ...row,
    invoiceAttributes: row.invoiceAttributes
      ? (JSON.parse(row.invoiceAttributes) as Record<string, string>)
      : {},
    esignRequired: row.esignRequired === 1,
    attachInvoice: row.attachInvoice === 1,
  };
};

/**
 * The attachment's name: the invoice's fileName when given (its last path part, safe characters only, ending in
 * .pdf), else one made from the order.
 */
export const invoiceFileName = (
  document: Pick<InvoiceDocument, "fileName" | "orderType" | "orderNumber">,
) => {
  const safe = (text: string) =>
    text
      .replace(/^.*[\\/]/, "")
      .replace(/[^A-Za-z0-9._ -]+/g, "_")
      .replace(/^[.\s]+/, "")
      .trim()
      .slice(0, 120);
  const given = document.fileName ? safe(document.fileName) : "";
  const base = given || safe(`invoice-${document.orderType}-${document.orderNumber}`) || "invoice";
  return /\.pdf$/i.test(base) ? base : `${base}.pdf`;
};
