import type { WebhookDelivery, WebhookEndpoint } from "@payreq/contracts";
import { html } from "hono/html";
import { linkTo, type QueryValues } from "../filters.ts";
import type { DepartmentName } from "../ops-data.ts";
import { layout } from "./layout.ts";
import {
  dataTable,
  departmentLabel,
  problemBox,
  selectField,
  shortId,
  textField,
  timeOf,
  zoneNote,
} from "./parts.ts";

const STATUS_CLASS: Record<WebhookDelivery["status"], string> = {
  delivered: "success",
  pending: "pending",
  delivering: "pending",
  failed: "failed",
};

export const deliveryStatus = (status: WebhookDelivery["status"]) =>
  html`<span class="badge badge-${STATUS_CLASS[status]}">${status}</span>`;

/** Every attempt in one cell: its status code and latency, or why no answer came; the start of each answer. */
export const attemptList = (delivery: WebhookDelivery) => {
  if (delivery.attempts.length === 0) return html`<span class="muted">none yet</span>`;
  return html`<ol class="attempts">${delivery.attempts.map((a) => {
    const answer =
      a.statusCode === null ? (a.error ?? "no answer") : `HTTP ${a.statusCode} in ${a.latencyMs} ms`;
    return html`<li>${timeOf(a.at)}: ${answer}${a.response ? html` <code class="snippet">${a.response}</code>` : ""}</li>`;
  })}</ol>`;
};

/** A replay button: the delivery goes again at once, with its webhook-id; the page comes back here. */
export const replayButton = (delivery: WebhookDelivery, back: string) =>
  delivery.status === "delivering"
    ? html`<span class="muted">in flight</span>`
    : html`<form method="post" action="/ops/webhooks/deliveries/${encodeURIComponent(delivery.id)}/replay" class="inline">
<input type="hidden" name="back" value="${back}">
<button type="submit">Replay<span class="visually-hidden"> delivery ${delivery.id}</span></button>
</form>`;

export type EndpointsView = {
  username: string;
  departments: readonly DepartmentName[];
  endpoints: readonly WebhookEndpoint[];
};

/** Every endpoint the user's departments have, with its state and a link to its deliveries. */
export const endpointsPage = (view: EndpointsView) =>
  layout(
    { title: "Webhook endpoints", username: view.username, active: "webhooks" },
    html`<h1>Webhook endpoints</h1>
<p class="lead">Where dealers' systems hear what happened. Integrators register them with <code>payment.webhooks.manage</code>
(REST, tRPC or <code>payreq webhooks add</code>).</p>
<p><a href="/ops/webhooks/deliveries">All deliveries</a> · <a href="/ops/webhooks/deliveries?status=failed">Failed deliveries</a></p>
${zoneNote}
${dataTable(
  "endpoints-caption",
  `Endpoints, newest first: ${view.endpoints.length}`,
  ["Endpoint", "Department", "URL", "Events", "State", "Created", "Deliveries"],
  view.endpoints.map(
    (e) => html`<tr>
<td class="id">${e.id}${e.description ? html`<br><span class="muted">${e.description}</span>` : ""}</td>
<td>${e.departmentUuid ? departmentLabel(e.departmentUuid, view.departments) : "every department of the dealer"}</td>
<td class="wrap">${e.url}</td>
<td class="wrap">${e.events ? e.events.join(", ") : "all"}</td>
<td>${e.enabled ? html`<span class="badge badge-success">enabled</span>` : html`<span class="badge badge-failed">disabled</span><br>${e.disabledReason ?? ""}`}</td>
<td>${timeOf(e.createdAt)}</td>
<td><a href="${linkTo("/ops/webhooks/deliveries", { endpointId: e.id })}">Deliveries<span class="visually-hidden"> of ${e.id}</span></a></td>
</tr>`,
  ),
)}`,
  );

export type DeliveriesView = {
  username: string;
  values: QueryValues;
  deliveries: readonly WebhookDelivery[];
  notice?: string | undefined;
  problems: readonly string[];
};

const filterForm = (values: QueryValues) => html`
<form method="get" action="/ops/webhooks/deliveries" class="filters" aria-label="Filter deliveries">
${textField("endpointId", "Endpoint", values, { hint: "ep_…" })}
${selectField("status", "Status", values, [
  ["pending", "Pending"],
  ["delivering", "Being attempted"],
  ["delivered", "Delivered"],
  ["failed", "Failed"],
])}
<div class="actions">
<button type="submit">Apply filters</button>
<a href="/ops/webhooks/deliveries">Clear</a>
</div>
</form>`;

/** Deliveries newest first: status, every attempt's answer, the next try, and a replay button. */
export const deliveriesPage = (view: DeliveriesView) => {
  const back = linkTo("/ops/webhooks/deliveries", view.values);
  return layout(
    { title: "Webhook deliveries", username: view.username, active: "webhooks" },
    html`<p><a href="/ops/webhooks">← Endpoints</a></p>
<h1>Webhook deliveries</h1>
${filterForm(view.values)}
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ""}
${view.problems.length ? problemBox("Check the filters", view.problems) : ""}
${zoneNote}
${dataTable(
  "deliveries-caption",
  `Deliveries, newest first: ${view.deliveries.length} shown`,
  ["Created", "Event", "Endpoint", "Status", "Attempts", "Next try", "Replay"],
  view.deliveries.map(
    (d) => html`<tr>
<td>${timeOf(d.createdAt)}</td>
<td>${d.eventType}<br>${shortId(d.eventId)}</td>
<td>${shortId(d.endpointId)}</td>
<td>${deliveryStatus(d.status)}</td>
<td class="wrap">${attemptList(d)}</td>
<td>${d.nextAttemptAt ? timeOf(d.nextAttemptAt) : html`<span class="muted">—</span>`}</td>
<td>${replayButton(d, back)}</td>
</tr>`,
  ),
)}`,
  );
};
