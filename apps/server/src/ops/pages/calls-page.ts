import type { AuditRecordSummary } from "@payreq/contracts";
import { html } from "hono/html";
import { linkTo, type QueryValues } from "../filters.ts";
import type { ListFrame } from "../list-page.ts";
import type { DepartmentName } from "../ops-data.ts";
import { layout } from "./layout.ts";
import {
  dataTable,
  deliveryBadge,
  departmentLabel,
  departmentOptions,
  errorCodes,
  filterLink,
  outcomeBadge,
  pager,
  problemBox,
  selectField,
  TIME_HINT,
  textField,
  timeOf,
  zoneNote,
} from "./parts.ts";

export type CallsView = ListFrame & { records: readonly AuditRecordSummary[]; nextCursor: string | null };

const MORE_FILTERS = ["orderUuid", "invoiceUuid", "idempotencyKey", "limit"] as const;

const filterForm = (values: QueryValues, departments: readonly DepartmentName[]) => html`
<form method="get" action="/ops/calls" class="filters" aria-label="Filter calls">
${departmentOptions(departments)}
${textField("departmentUuid", "Department", values, { list: "departments" })}
${textField("since", "Since", values, { hint: TIME_HINT })}
${textField("until", "Until", values, { hint: TIME_HINT })}
${selectField("outcome", "Outcome", values, [
  ["SUCCESS", "Success"],
  ["REJECTED", "Rejected (4xx)"],
  ["FAILED", "Failed (5xx)"],
])}
${textField("httpStatus", "HTTP status", values, { inputmode: "numeric" })}
${textField("errorCode", "Error code", values, { inputmode: "numeric" })}
${textField("username", "Credential", values)}
${textField("orderNumber", "Order number", values)}
${textField("customerUuid", "Customer", values, { hint: "customer uuid" })}
${textField("requestId", "Request id", values)}
<details class="more"${MORE_FILTERS.some((f) => values[f] !== undefined) ? html` open` : ""}>
<summary>More filters</summary>
${textField("orderUuid", "Order uuid", values)}
${textField("invoiceUuid", "Invoice uuid", values)}
${textField("idempotencyKey", "Idempotency key", values)}
${textField("limit", "Rows per page", values, { inputmode: "numeric", hint: "1–200, default 50" })}
</details>
<div class="actions">
<button type="submit">Apply filters</button>
<a href="/ops/calls">Clear</a>
</div>
</form>`;

const row = (r: AuditRecordSummary, departments: readonly DepartmentName[]) => html`<tr>
<td><a href="/ops/calls/${encodeURIComponent(r.requestId)}">${timeOf(r.recordedAt)}<span class="visually-hidden">: call ${r.requestId}</span></a></td>
<td>${outcomeBadge(r.outcome)} ${r.httpStatus}</td>
<td>${errorCodes(r.errorCodes)}</td>
<td>${departmentLabel(r.departmentUuid, departments)}</td>
<td>${filterLink("username", r.username)}</td>
<td>${r.operation}</td>
<td>${filterLink("orderNumber", r.orderNumber)}</td>
<td>${deliveryBadge(r.textSent)}</td>
<td>${deliveryBadge(r.emailSent)}</td>
</tr>`;

/** The audit log as a table, newest first, with the CLI's filters in the URL. */
export const callsPage = (view: CallsView) => {
  const { cursor: _, ...filters } = view.values;
  return layout(
    { title: "Calls", username: view.username, active: "calls" },
    html`<h1>Calls</h1>
${filterForm(view.values, view.departments)}
${view.problems.length ? problemBox("Check the filters", view.problems) : ""}
${
  view.values.orderNumber
    ? html`<p class="note">A call carries its order number once its body was valid: a call refused for its input
or credentials is found by credential and time instead.</p>`
    : ""
}
<div class="toolbar">
${zoneNote}
<a class="button" href="${linkTo("/ops/calls.csv", filters)}" download>Export CSV</a>
</div>
${dataTable(
  "calls-caption",
  html`Calls, newest first${view.values.cursor ? " (older page)" : ""}: ${view.records.length} shown`,
  ["Time", "Outcome", "Errors", "Department", "Credential", "Operation", "Order", "Text", "Email"],
  view.records.map((r) => row(r, view.departments)),
)}
${pager("/ops/calls", view.values, view.nextCursor)}`,
  );
};
