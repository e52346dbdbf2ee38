import { formatMoney } from "../money.ts";

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

/** The platform's three automated text templates. `_payurl` and `_invoiceurls` are its link tags. */
export const TEXT_TEMPLATES = {
  zeroAmount:
    "{dealer}: a copy of your warranty invoice for {order} is ready. No payment is due. View it here: _payurl",
  withEmail:
    "{dealer}: your invoice for {order} of {amount} is ready. Pay securely here: _payurl (we also sent it to your email).",
  withoutEmail: "{dealer}: your invoice for {order} of {amount} is ready. Pay securely here: _payurl",
} as const;

export const PAY_LINK_TAG = "_payurl";
export const INVOICE_LINK_TAG = "_invoiceurls";

export const renderTemplate = (template: string, context: MessageContext): string =>
  template
    .replaceAll("{dealer}", context.dealerName)
    .replaceAll("{order}", `${context.orderType} ${context.orderNumber}`)
    .replaceAll("{amount}", formatMoney(context.amountCents))
    .replaceAll("{customer}", context.customerFirstName)
    .replaceAll(INVOICE_LINK_TAG, context.invoiceUrl)
    .replaceAll(PAY_LINK_TAG, context.paymentUrl);

export const chooseTextTemplate = (context: MessageContext): string => {
  if (context.amountCents === 0) return TEXT_TEMPLATES.zeroAmount;
  return context.customerHasEmail ? TEXT_TEMPLATES.withEmail : TEXT_TEMPLATES.withoutEmail;
};

export const renderText = (context: MessageContext): string =>
  renderTemplate(chooseTextTemplate(context), context);

export const renderEmail = (context: MessageContext): { subject: string; text: string } => {
  const zero = context.amountCents === 0;
  const lines = [
    `Hello {customer},`,
    "",
    zero
      ? "A copy of your warranty invoice for {order} is ready. No payment is due."
      : "Your invoice for {order} of {amount} is ready.",
    ...(context.description ? ["", `Details: ${context.description}`] : []),
    "",
    zero ? "View it here: _payurl" : "Pay securely here: _payurl",
    ...(context.attachInvoice && !zero ? ["Your invoice: _invoiceurls"] : []),
    ...(context.esignRequired ? ["You will be asked to sign the invoice online."] : []),
    "",
    "Thank you,",
    "{dealer}",
  ];
  return {
    subject: renderTemplate(
      zero ? "{dealer}: your warranty invoice for {order}" : "{dealer}: payment request for {order}",
      context,
    ),
    text: renderTemplate(lines.join("\n"), context),
  };
};
