import type PDFKit from "pdfkit";
import { formatMoney } from "../domain/money.ts";
import type { InvoiceDocument } from "./invoice-document.ts";

/**
 * The standard PDF fonts encode WinAnsi only; anything else (a name in another script, an emoji) would print as
 * the wrong glyph, so it prints as "?" instead.
 */
const printable = (text: string) =>
  text
    .normalize("NFC")
    .replace(/[^\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2018\u2019\u201C\u201D\u2022\u20AC]/g, "?");

const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/**
 * pdfkit, loaded on the first PDF: loading it inflates font data and builds cipher tables (about 60 ms), which
 * every `payreq` command and every start of the service would otherwise pay.
 */
let pdfkit: Promise<typeof PDFKit> | undefined;
const loadPdfkit = () => {
  pdfkit ??= import("pdfkit").then((module) => module.default);
  return pdfkit;
};

/**
 * The invoice as a one-page PDF (pdfkit, the standard Helvetica fonts, nothing embedded). The same data gives the
 * same bytes: the document's date is the invoice's creation time, and its file id derives from it.
 */
export const renderInvoicePdf = async (document: InvoiceDocument, paymentUrl: string): Promise<Buffer> => {
  const PDFDocument = await loadPdfkit();
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({
      size: "LETTER",
      margin: 54,
      info: {
        Title: printable(`Invoice ${document.orderType} ${document.orderNumber}`),
        Author: printable(document.dealerName),
        Producer: "payreq",
        Creator: "payreq",
        CreationDate: new Date(document.createdAt),
      },
    });
    const chunks: Buffer[] = [];
    pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);

    const line = (label: string, value: string) => {
      pdf.font("Helvetica-Bold").fontSize(10).text(`${label}: `, { continued: true });
      pdf.font("Helvetica").text(printable(value));
    };

    pdf.font("Helvetica-Bold").fontSize(20).text(printable(document.dealerName));
    pdf.font("Helvetica").fontSize(11).fillColor("#444").text(printable(document.departmentName));
    pdf.fillColor("#000").moveDown(1.5);
    pdf.font("Helvetica-Bold").fontSize(16).text("Invoice");
    pdf.moveDown(0.5);
    line("Order", `${document.orderType} ${document.orderNumber}`);
    line("Invoice", document.invoiceUuid);
    line("Date", day(new Date(document.createdAt).toISOString()));
    line("Customer", document.customerName);
    if (document.description) line("Description", document.description);
    const attributes = Object.entries(document.invoiceAttributes);
    if (attributes.length > 0) {
      pdf.moveDown(0.5);
      for (const [key, value] of attributes) line(key.toUpperCase() === "VIN" ? "VIN" : key, value);
    }
    pdf.moveDown(1);
    pdf
      .font("Helvetica-Bold")
      .fontSize(14)
      .text(`Amount: ${formatMoney(document.amountCents)}`);
    pdf.font("Helvetica").fontSize(11);
    if (document.invoiceStatus === "PAID") {
      pdf.text(
        `Paid ${formatMoney(document.paidAmountCents ?? document.amountCents)} on ${document.paidDate ? day(document.paidDate) : "-"}`,
      );
      if (document.refundedAmountCents) pdf.text(`Refunded: ${formatMoney(document.refundedAmountCents)}`);
    } else if (document.invoiceStatus === "VOID") {
      pdf.text("This invoice has been cancelled.");
    } else {
      pdf.text(`Amount due: ${formatMoney(document.amountCents)}`);
      pdf.moveDown(0.5);
      pdf.font("Helvetica-Bold").fontSize(10).text("Pay online:");
      pdf
        .font("Helvetica")
        .fontSize(8)
        .fillColor("#0645ad")
        .text(paymentUrl, { link: paymentUrl, underline: true });
      pdf.fillColor("#000");
    }
    if (document.reminderDate || document.reminderMileage !== null) {
      pdf.moveDown(1);
      const parts = [
        document.reminderDate ? `on ${day(document.reminderDate)}` : "",
        document.reminderMileage !== null
          ? `at ${document.reminderMileage.toLocaleString("en-US")} miles`
          : "",
      ].filter(Boolean);
      pdf
        .font("Helvetica")
        .fontSize(10)
        .text(`Reminder: ${parts.join(", ")}`);
    }
    if (document.esignRequired) {
      pdf.moveDown(3);
      pdf
        .font("Helvetica")
        .fontSize(10)
        .text("Customer signature: ______________________________    Date: ____________");
      pdf.fontSize(8).fillColor("#444").text("Your signature is required before paying.");
      pdf.fillColor("#000");
    }
    pdf.end();
  });
};
