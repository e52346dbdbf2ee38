import type { ConsolePayment } from "@payreq/core";
import { formatMoney } from "@payreq/core";
import { html } from "hono/html";
import type { DepartmentName } from "../ops-data.ts";
import { layout } from "./layout.ts";
import { dataTable, departmentLabel, timeOf, zoneNote } from "./parts.ts";

const STATUS_CLASS: Record<ConsolePayment["status"], string> = {
  open: "pending",
  processing: "pending",
  complete: "success",
  expired: "muted",
  failed: "failed",
};

/** A second payment's refund: what ops must see, and settle by hand when Stripe refused it. */
const refundCell = (p: ConsolePayment) => {
  if (p.refund === null) return "";
  const badge =
    p.refund === "refunded"
      ? html`<span class="badge badge-success">refunded</span>`
      : p.refund === "pending"
        ? html`<span class="badge badge-pending">refund pending</span>`
        : html`<span class="badge badge-failed">refund failed</span>`;
  return html`${badge}<br><span class="muted">second payment of a settled invoice</span>${p.refundId ? html`<br><code>${p.refundId}</code>` : ""}${p.refundError ? html`<br>${p.refundError}` : ""}`;
};

export type PaymentsView = {
  username: string;
  departments: readonly DepartmentName[];
  payments: readonly ConsolePayment[];
  doublePayments: boolean;
};

/** Card payments through Stripe Checkout: every session, its payment, and the second payments refunded. */
export const paymentsPage = (view: PaymentsView) =>
  layout(
    { title: "Payments", username: view.username, active: "payments" },
    html`<h1>Payments</h1>
<p class="lead">Stripe Checkout sessions of the payment links, newest first. A second payment of an invoice already paid
is refunded through Stripe by itself and listed here.</p>
<p>${view.doublePayments ? html`<a href="/ops/payments">All sessions</a>` : html`<a href="/ops/payments?double=1">Second payments only</a>`}</p>
${zoneNote}
${dataTable(
  "payments-caption",
  `${view.doublePayments ? "Second payments" : "Sessions"}: ${view.payments.length}`,
  ["Created", "Order", "Department", "Amount", "Session", "Paid", "Invoice", "Refund"],
  view.payments.map(
    (p) => html`<tr>
<td>${timeOf(new Date(p.createdAt).toISOString())}</td>
<td>${p.orderType} ${p.orderNumber}</td>
<td>${departmentLabel(p.departmentUuid, view.departments)}</td>
<td>${formatMoney(p.amountCents)} ${p.currency.toUpperCase()}</td>
<td><span class="badge badge-${STATUS_CLASS[p.status]}">${p.status}</span><br><code class="id">${p.id}</code>${p.stripeAccount ? html`<br><span class="muted">on ${p.stripeAccount}</span>` : ""}</td>
<td>${p.paidAmountCents !== null ? html`${formatMoney(p.paidAmountCents)}${p.paymentIntentId ? html`<br><code>${p.paymentIntentId}</code>` : ""}` : ""}</td>
<td>${p.invoiceStatus.toLowerCase()}</td>
<td>${refundCell(p)}</td>
</tr>`,
  ),
)}`,
  );
