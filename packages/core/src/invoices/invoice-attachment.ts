import type { InvoiceAttachment } from "../domain/delivery.ts";
import type { Sql } from "../ports/store.ts";
import { invoiceFileName, loadPaymentRequestInvoice } from "./invoice-document.ts";
import { renderInvoicePdf } from "./invoice-pdf.ts";

/** The PDF of a payment request's invoice, as its email attaches it: named now, rendered when it is sent. */
export const invoiceAttachment = (
  sql: Sql,
  paymentRequest: { uuid: string; paymentUrl: string },
  names: { fileName?: string | null | undefined; orderType: string; orderNumber: string },
): InvoiceAttachment => ({
  fileName: invoiceFileName({ fileName: names.fileName ?? null, ...names }),
  async render() {
    const document = await loadPaymentRequestInvoice(sql, paymentRequest.uuid);
    if (!document) throw new Error("the invoice of the payment request was not found");
    return renderInvoicePdf(document, paymentRequest.paymentUrl);
  },
});
