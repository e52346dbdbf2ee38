import { html } from "hono/html";
import { linkTo, type QueryValues } from "../filters.ts";
import type { ListFrame } from "../list-page.ts";
import type { ConsoleMessage, DepartmentName } from "../ops-data.ts";
import { layout } from "./layout.ts";
import {
  dataTable,
  deliveryBadge,
  departmentLabel,
  departmentOptions,
  pager,
  problemBox,
  selectField,
  shortId,
  TIME_HINT,
  textField,
  timeOf,
  zoneNote,
} from "./parts.ts";

export type OutboxView = ListFrame & { messages: readonly ConsoleMessage[]; nextCursor: string | null };

const filterForm = (values: QueryValues, departments: readonly DepartmentName[]) => html`
<form method="get" action="/ops/outbox" class="filters" aria-label="Filter messages">
${departmentOptions(departments)}
${textField("departmentUuid", "Department", values, { list: "departments" })}
${selectField("channel", "Channel", values, [
  ["text", "Text"],
  ["email", "Email"],
])}
${selectField("status", "Status", values, [
  ["DELIVERED", "Delivered"],
  ["FAILED", "Failed"],
  ["UNCERTAIN", "Uncertain (may have been sent)"],
])}
${textField("since", "Since", values, { hint: TIME_HINT })}
${textField("until", "Until", values, { hint: TIME_HINT })}
${textField("customerUuid", "Customer", values, { hint: "customer uuid" })}
${textField("paymentRequestUuid", "Payment request", values)}
${textField("limit", "Rows per page", values, { inputmode: "numeric", hint: "1–200, default 50" })}
<div class="actions">
<button type="submit">Apply filters</button>
<a href="/ops/outbox">Clear</a>
</div>
</form>`;

const row = (m: ConsoleMessage, departments: readonly DepartmentName[]) => html`<tr>
<td>${timeOf(m.createdAt)}</td>
<td>${m.channel}</td>
<td>${deliveryBadge(m.status)}</td>
<td>${m.recipient}</td>
<td>${m.provider}</td>
<td class="id">${m.providerRef ?? ""}</td>
<td class="wrap">${m.error ?? ""}${
  m.status === "UNCERTAIN"
    ? html`<form method="post" action="/ops/outbox/${encodeURIComponent(m.uuid)}/resend" class="inline">
<button type="submit">Send again<span class="visually-hidden"> the ${m.channel} ${m.uuid}</span></button></form>`
    : ""
}</td>
<td>${departmentLabel(m.departmentUuid, departments)}</td>
<td><a href="/ops/calls/${encodeURIComponent(m.requestId)}"><span class="visually-hidden">Call </span>${shortId(m.requestId)}</a></td>
</tr>`;

/** Every text and email, with the provider's answer, linked to the call that sent it. */
export const outboxPage = (view: OutboxView) => {
  const { cursor: _, ...filters } = view.values;
  return layout(
    { title: "Outbox", username: view.username, active: "outbox" },
    html`<h1>Outbox</h1>
${filterForm(view.values, view.departments)}
${view.problems.length ? problemBox("Check the filters", view.problems) : ""}
<div class="toolbar">
${zoneNote}
<a class="button" href="${linkTo("/ops/outbox.csv", filters)}" download>Export CSV</a>
</div>
${dataTable(
  "outbox-caption",
  html`Messages, newest first${view.values.cursor ? " (older page)" : ""}: ${view.messages.length} shown`,
  ["Time", "Channel", "Status", "Recipient", "Provider", "Provider id", "Error", "Department", "Call"],
  view.messages.map((m) => row(m, view.departments)),
)}
${pager("/ops/outbox", view.values, view.nextCursor)}`,
  );
};
