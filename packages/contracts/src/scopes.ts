export const Scopes = {
  sendPaymentRequest: "payment.send.payment.request",
  auditRead: "payment.audit.read",
  invoiceWrite: "payment.invoice.write",
  invoiceRead: "payment.invoice.read",
  paymentRequestWrite: "payment.paymentrequest.write",
  dealerOrderRead: "payment.paymentdealerorder.read",
  dealerOrderWrite: "payment.paymentdealerorder.write",
  departmentRead: "payment.department.read",
  /** Register and manage the department's webhook endpoints, and read and replay their deliveries. */
  webhooksManage: "payment.webhooks.manage",
  /** A dealer's payment settings: its Stripe connected account. Held for every department of the dealer. */
  dealersManage: "payment.dealers.manage",
} as const;

export type Scope = (typeof Scopes)[keyof typeof Scopes];

export const ALL_SCOPES: readonly Scope[] = Object.values(Scopes);

/** A grant for every department. */
export const ANY_DEPARTMENT = "*";
