import {
  type AuditRecord,
  type AuditRecordSummary,
  ErrorItem,
  WarningItem,
  type WebhookDelivery,
} from "@payreq/contracts";
import type { OutboxEntry } from "@payreq/core";
import { html } from "hono/html";
import * as z from "zod";
import type { DepartmentName } from "../ops-data.ts";
import { type Html, layout } from "./layout.ts";
import {
  dataTable,
  deliveryBadge,
  departmentLabel,
  filterLink,
  outcomeBadge,
  shortId,
  timeOf,
  zoneNote,
} from "./parts.ts";
import { attemptList, deliveryStatus, replayButton } from "./webhooks-page.ts";

export type CallView = {
  username: string;
  record: AuditRecord;
  departments: readonly DepartmentName[];
  customerName: string | undefined;
  messages: readonly OutboxEntry[];
  /** Every call of this credential with the same idempotency key, newest first. */
  sameKey: readonly AuditRecordSummary[];
  /** The events the call raised, each with its deliveries to the dealer's endpoints. */
  events: readonly CallEvent[];
};

export type CallEvent = {
  id: string;
  type: string;
  createdAt: string;
  deliveries: readonly WebhookDelivery[];
};

const ResponseItems = z.object({
  errors: z.array(ErrorItem).catch([]),
  warnings: z.array(WarningItem).catch([]),
});

const field = (label: string, value: Html | string | number | null) =>
  html`<div><dt>${label}</dt><dd>${value === null || value === "" ? html`<span class="muted">—</span>` : value}</dd></div>`;

const created = (flag: boolean | null) => (flag === null ? "" : flag ? " (created)" : " (reused)");

const summary = (r: AuditRecord, view: CallView) => html`<dl class="facts">
${field("Received", timeOf(r.receivedAt))}
${field("Recorded", timeOf(r.recordedAt))}
${field("Duration", `${r.durationMs} ms`)}
${field("Operation", `${r.operation} (${r.transport})`)}
${field("Credential", filterLink("username", r.username))}
${field("Client address", r.clientAddress)}
${field("Department", r.departmentUuid ? filterLink("departmentUuid", r.departmentUuid, departmentLabel(r.departmentUuid, view.departments)) : null)}
${field("Idempotency key", r.idempotencyKey)}
</dl>`;

const touched = (r: AuditRecord, view: CallView) => html`<section aria-labelledby="touched">
<h2 id="touched">Order, invoice and payment request</h2>
<dl class="facts">
${field("Order number", r.orderNumber ? html`${filterLink("orderNumber", r.orderNumber)}` : null)}
${field("Order", r.orderUuid ? html`${filterLink("orderUuid", r.orderUuid)}${created(r.orderCreated)}` : null)}
${field("Invoice", r.invoiceUuid ? html`${filterLink("invoiceUuid", r.invoiceUuid)}${created(r.invoiceCreated)}` : null)}
${field("Payment request", r.paymentRequestUuid ? html`<span class="id">${r.paymentRequestUuid}</span>` : null)}
${field(
  "Customer",
  r.customerUuid
    ? html`${view.customerName ? html`<span class="person">${view.customerName}</span> ` : ""}${filterLink("customerUuid", r.customerUuid)}`
    : null,
)}
</dl>
</section>`;

const problems = (r: AuditRecord) => {
  const { errors, warnings } = ResponseItems.parse(r.responseBody ?? {});
  if (!errors.length && !warnings.length) return "";
  return html`<section aria-labelledby="problems">
<h2 id="problems">Errors and warnings</h2>
<ul class="problems">
${errors.map(
  (e) =>
    html`<li><span class="badge badge-failed">error ${e.errorCode}</span> <strong>${e.errorTitle}</strong>: ${e.errorMessage}${e.errorDescription ? html` — ${e.errorDescription}` : ""}</li>`,
)}
${warnings.map(
  (w) =>
    html`<li><span class="badge badge-rejected">warning ${w.warningCode}</span> <strong>${w.warningTitle}</strong>: ${w.warningMessage}${w.warningDescription ? html` — ${w.warningDescription}` : ""}</li>`,
)}
</ul>
</section>`;
};

const messageRow = (m: OutboxEntry) => html`<tr>
<td>${timeOf(m.createdAt)}</td>
<td>${m.channel}${m.purpose === "reminder" ? " (reminder)" : ""}${m.attachment ? html`<br><span class="muted">${m.attachment}</span>` : ""}</td>
<td>${m.recipient}</td>
<td>${deliveryBadge(m.status)}</td>
<td>${m.provider}</td>
<td class="id">${m.providerRef ?? ""}</td>
<td>${m.channel === "text" ? (m.segments ?? "") : ""}</td>
<td class="wrap">${m.error ?? ""}</td>
</tr>`;

const messageBody = (m: OutboxEntry) => html`<details>
<summary>${m.channel === "email" ? `Email to ${m.recipient}: ${m.subject ?? ""}` : `Text to ${m.recipient}`}</summary>
<pre class="message-body" tabindex="0">${m.body}</pre>
</details>`;

const messages = (r: AuditRecord, view: CallView) => html`<section aria-labelledby="messages-h">
<h2 id="messages-h">Messages</h2>
<p>Text: ${deliveryBadge(r.textSent)} · Email: ${deliveryBadge(r.emailSent)}</p>
${
  r.paymentRequestUuid
    ? html`${dataTable(
        "messages-caption",
        "Messages of this call's payment request (the request and its reminders), from the outbox",
        ["Time", "Channel", "Recipient", "Status", "Provider", "Provider id", "Segments", "Error"],
        view.messages.map(messageRow),
      )}
${view.messages.map(messageBody)}`
    : html`<p class="muted">No payment request was made, so nothing was sent.</p>`
}
</section>`;

const idempotency = (r: AuditRecord, view: CallView) => {
  if (!r.idempotencyKey) return "";
  const replayOf = r.timeline.find((s) => s.step === "replay");
  return html`<section aria-labelledby="same-key-caption">
<h2>Idempotency key</h2>
<p>Key <code>${r.idempotencyKey}</code>${replayOf ? html`: this call was a replay (${replayOf.detail ?? "stored response"})` : ""}.</p>
${dataTable(
  "same-key-caption",
  `Calls by ${r.username ?? "this credential"} with this key, newest first`,
  ["Time", "Outcome", "Status", "Request id"],
  view.sameKey.map(
    (s) => html`<tr${s.requestId === r.requestId ? html` class="current"` : ""}>
<td>${timeOf(s.recordedAt)}</td>
<td>${outcomeBadge(s.outcome)}</td>
<td>${s.httpStatus}</td>
<td class="id">${s.requestId === r.requestId ? html`${s.requestId} (this call)` : html`<a href="/ops/calls/${encodeURIComponent(s.requestId)}">${s.requestId}</a>`}</td>
</tr>`,
  ),
)}
</section>`;
};

const events = (r: AuditRecord, view: CallView) => {
  if (view.events.length === 0) return "";
  const back = `/ops/calls/${encodeURIComponent(r.requestId)}`;
  const rows = view.events.flatMap((event) =>
    (event.deliveries.length ? event.deliveries : [undefined]).map(
      (d) => html`<tr>
<td>${event.type}</td>
<td>${shortId(event.id)}</td>
<td>${d ? shortId(d.endpointId) : html`<span class="muted">no endpoint wanted it</span>`}</td>
<td>${d ? deliveryStatus(d.status) : ""}</td>
<td class="wrap">${d ? attemptList(d) : ""}</td>
<td>${d ? replayButton(d, back) : ""}</td>
</tr>`,
    ),
  );
  return html`<section aria-labelledby="events-caption">
${dataTable(
  "events-caption",
  "Events this call raised, and their deliveries to the dealer's webhook endpoints",
  ["Event", "Id", "Endpoint", "Status", "Attempts", "Replay"],
  rows,
)}
</section>`;
};

const timeline = (r: AuditRecord) =>
  dataTable(
    "timeline-caption",
    "Timeline",
    ["Step", "At", "ms", "Result", "Detail"],
    r.timeline.map(
      (s) => html`<tr>
<td>${s.step}</td>
<td>${timeOf(new Date(s.atMs).toISOString())}</td>
<td>${s.durationMs}</td>
<td>${s.result}</td>
<td>${s.detail ?? ""}</td>
</tr>`,
    ),
  );

const json = (value: unknown) => JSON.stringify(value, null, 2) ?? "null";

/** One call: what it asked, what it touched and sent, how it went, step by step. */
export const callPage = (view: CallView) => {
  const r = view.record;
  return layout(
    { title: `Call ${r.requestId}`, username: view.username, active: "calls" },
    html`<p><a href="/ops/calls">← All calls</a></p>
<h1>Call <span class="id">${r.requestId}</span></h1>
<p class="lead">${outcomeBadge(r.outcome)} HTTP ${r.httpStatus}</p>
${zoneNote}
${summary(r, view)}
${problems(r)}
${touched(r, view)}
${messages(r, view)}
${idempotency(r, view)}
${events(r, view)}
<section aria-labelledby="timeline-caption">${timeline(r)}</section>
<section aria-labelledby="bodies">
<h2 id="bodies">Request and response</h2>
<p class="note">As stored: phone numbers and email addresses masked, payment links cut to 6 characters.</p>
<h3>Request</h3>
<pre tabindex="0" aria-label="Request body">${json(r.requestBody)}</pre>
<h3>Response</h3>
<pre tabindex="0" aria-label="Response body">${json(r.responseBody)}</pre>
</section>
<section aria-labelledby="chain">
<h2 id="chain">Audit chain</h2>
<dl class="facts">
${field("Sequence", r.seq)}
${field("Row hash", html`<span class="id">${r.rowHash}</span>`)}
${field("Previous hash", html`<span class="id">${r.prevHash}</span>`)}
</dl>
</section>`,
  );
};
