import { formatMoney } from "../domain/money.ts";

export type MessageContext = {
  dealerName: string;
  orderType: string;
  orderNumber: string;
  amountCents: number;
  description?: string | undefined;
  customerFirstName: string;
  customerHasEmail: boolean;
  paymentUrl: string;
  invoiceUrl: string;
  attachInvoice: boolean;
  esignRequired: boolean;
};

export const TEMPLATE_KINDS = [
  "text-zero-amount",
  "text-with-email",
  "text-without-email",
  "email-subject",
  "email-text",
  "email-html",
  "reminder-text",
  "reminder-email-subject",
  "reminder-email-text",
  "reminder-email-html",
  "receipt-text",
  "receipt-email-subject",
  "receipt-email-text",
  "receipt-email-html",
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
export type MessageTemplates = Record<TemplateKind, string>;

/** The platform's link tags: `_payurl` is the payment link, `_invoiceurls` the invoice link. */
export const PAY_LINK_TAG = "_payurl";
export const INVOICE_LINK_TAG = "_invoiceurls";

/**
 * The platform's three automated texts (zero amount: a warranty copy; a customer with an email; without one), the
 * email, and the reminder of an invoice still open at its reminderDate (a text and an email). Placeholders:
 * {dealer} {customer} {order} {amount} {description} {invoiceLine} {esignLine}.
 */
export const DEFAULT_TEMPLATES: MessageTemplates = {
  "text-zero-amount":
    "{dealer}: a copy of your warranty invoice for {order} is ready. No payment is due. View it here: _payurl",
  "text-with-email":
    "{dealer}: your invoice for {order} of {amount} is ready. Pay securely here: _payurl (we also sent it to your email).",
  "text-without-email": "{dealer}: your invoice for {order} of {amount} is ready. Pay securely here: _payurl",
  "email-subject": "{dealer}: payment request for {order}",
  "email-text":
    "Hello {customer},\n\nYour invoice for {order} of {amount} is ready.\n{description}\n\nPay securely here: _payurl\n{invoiceLine}{esignLine}\nThank you,\n{dealer}",
  "email-html":
    '<p>Hello {customer},</p><p>Your invoice for {order} of <strong>{amount}</strong> is ready.</p><p>{description}</p><p><a href="_payurl">Pay securely</a></p>{invoiceLine}{esignLine}<p>Thank you,<br>{dealer}</p>',
  "reminder-text":
    "{dealer}: a reminder that your invoice for {order} of {amount} is still open. Pay securely here: _payurl",
  "reminder-email-subject": "Reminder from {dealer}: payment for {order}",
  "reminder-email-text":
    "Hello {customer},\n\nThis is a reminder that your invoice for {order} of {amount} is still open.\n{description}\n\nPay securely here: _payurl\n{invoiceLine}{esignLine}\nThank you,\n{dealer}",
  "reminder-email-html":
    '<p>Hello {customer},</p><p>This is a reminder that your invoice for {order} of <strong>{amount}</strong> is still open.</p><p>{description}</p><p><a href="_payurl">Pay securely</a></p>{invoiceLine}{esignLine}<p>Thank you,<br>{dealer}</p>',
  "receipt-text": "{dealer}: we received your payment of {amount} for {order}. Thank you! Receipt: _payurl",
  "receipt-email-subject": "{dealer}: receipt for your payment of {amount}",
  "receipt-email-text":
    "Hello {customer},\n\nWe received your payment of {amount} for {order}.\n{description}\n\nYour receipt: _payurl\n{invoiceLine}\nThank you,\n{dealer}",
  "receipt-email-html":
    '<p>Hello {customer},</p><p>We received your payment of <strong>{amount}</strong> for {order}.</p><p>{description}</p><p><a href="_payurl">Your receipt</a></p>{invoiceLine}<p>Thank you,<br>{dealer}</p>',
};

/** Whether a message is the payment request itself, its reminder, or the receipt of its payment. */
export type MessagePurpose = "request" | "reminder" | "receipt";

/**
 * Kinds that must carry the pay link: a message without it would ask for a payment the customer cannot make. A
 * receipt asks for nothing: its link (the page that says paid) is the dealer's choice.
 */
export const requiresPayLink = (kind: TemplateKind) =>
  !kind.endsWith("email-subject") && !kind.startsWith("receipt-");

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** Fills a template; in HTML every value is escaped, links included. */
export const renderTemplate = (
  template: string,
  context: MessageContext,
  format: "text" | "html" = "text",
): string => {
  const value = format === "html" ? escapeHtml : (text: string) => text;
  const invoiceLine = context.attachInvoice
    ? format === "html"
      ? `<p><a href="${value(context.invoiceUrl)}">View your invoice</a></p>`
      : `Your invoice: ${context.invoiceUrl}\n`
    : "";
  const esignLine = context.esignRequired
    ? format === "html"
      ? "<p>You will be asked to sign the invoice online.</p>"
      : "You will be asked to sign the invoice online.\n"
    : "";
  const values: Record<string, string> = {
    "{dealer}": value(context.dealerName),
    "{customer}": value(context.customerFirstName),
    "{order}": value(`${context.orderType} ${context.orderNumber}`),
    "{amount}": value(formatMoney(context.amountCents)),
    "{description}": value(context.description ?? ""),
    "{invoiceLine}": invoiceLine,
    "{esignLine}": esignLine,
    [INVOICE_LINK_TAG]: value(context.invoiceUrl),
    [PAY_LINK_TAG]: value(context.paymentUrl),
  };
  return template.replace(
    /\{dealer\}|\{customer\}|\{order\}|\{amount\}|\{description\}|\{invoiceLine\}|\{esignLine\}|_invoiceurls|_payurl/g,
    (tag) => values[tag] ?? tag,
  );
};

export const chooseTextKind = (
  context: MessageContext,
  purpose: MessagePurpose = "request",
): TemplateKind => {
  if (purpose === "reminder") return "reminder-text";
  if (purpose === "receipt") return "receipt-text";
  if (context.amountCents === 0) return "text-zero-amount";
  return context.customerHasEmail ? "text-with-email" : "text-without-email";
};

/** A text for an invoice the customer may view carries its link, wherever the dealer's wording leaves it out. */
const withInvoiceLink = (template: string, context: MessageContext) =>
  context.attachInvoice && !template.includes(INVOICE_LINK_TAG) && !template.includes("{invoiceLine}")
    ? `${template} Invoice: ${INVOICE_LINK_TAG}`
    : template;

export const renderText = (
  templates: MessageTemplates,
  context: MessageContext,
  purpose: MessagePurpose = "request",
): string => renderTemplate(withInvoiceLink(templates[chooseTextKind(context, purpose)], context), context);

export const renderEmail = (
  templates: MessageTemplates,
  context: MessageContext,
  purpose: MessagePurpose = "request",
) => {
  const kind = (part: "subject" | "text" | "html"): TemplateKind =>
    purpose === "request" ? `email-${part}` : `${purpose}-email-${part}`;
  return {
    subject: renderTemplate(templates[kind("subject")], context),
    text: renderTemplate(templates[kind("text")], context),
    html: renderTemplate(templates[kind("html")], context, "html"),
  };
};
