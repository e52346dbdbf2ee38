import { readPaymentToken } from "../platform/embedded/payment-token.ts";
import type { Sql } from "../ports/store.ts";
import { loadPaymentRequestInvoice, type PaymentRequestInvoice } from "./invoice-document.ts";

/** What a payment link shows: its invoice as it stands now (a reused invoice's update reaches every earlier link). */
export type PaymentPage = PaymentRequestInvoice;

/** What a payment link shows; looked up by the token's hash, the only form in which tokens are stored. */
export const findPaymentPage = async (sql: Sql, token: string): Promise<PaymentPage | undefined> => {
  const parsed = readPaymentToken(token);
  if (!parsed) return undefined;
  const found = await loadPaymentRequestInvoice(sql, parsed.paymentRequestUuid);
  if (!found || !parsed.matches(found.tokenHash)) return undefined;
  const { tokenHash: _hash, ...page } = found;
  return page;
};
