import { type ErrorItem, findErrorEntry } from "@payreq/contracts";
import { html } from "hono/html";
import { linkTo, type QueryValues } from "../filters.ts";
import type { DepartmentName } from "../ops-data.ts";
import type { Html } from "./layout.ts";

const utcText = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

/** UTC in the HTML, so the page reads without script; ops.js shows it in the browser's zone, UTC on hover. */
export const timeOf = (iso: string) =>
  html`<time class="ts" datetime="${iso}" title="${utcText(iso)}">${utcText(iso)}</time>`;

export const zoneNote = html`<p class="note" data-zone-note>Times are UTC.</p>`;

/** The outcome in words and colour, so colour is never the only signal. */
export const outcomeBadge = (outcome: string) =>
  html`<span class="badge badge-${outcome.toLowerCase()}">${outcome}</span>`;

export const deliveryBadge = (status: string | null) =>
  status === null
    ? html`<span class="muted" title="not asked">—</span>`
    : html`<span class="badge badge-${status === "SUCCESS" || status === "DELIVERED" ? "success" : status === "UNCERTAIN" ? "pending" : "failed"}">${status}</span>`;

export const errorTitle = (code: number | undefined) =>
  code === undefined ? "" : (findErrorEntry(code)?.title ?? "UNKNOWN");

export const errorCodes = (codes: readonly number[]) =>
  codes.length === 0
    ? ""
    : html`${codes.map((code, i) => html`${i ? ", " : ""}<abbr title="${errorTitle(code)}">${code}</abbr>`)}`;

export const departmentLabel = (uuid: string | null, names: readonly DepartmentName[]) => {
  if (uuid === null) return html`<span class="muted">none</span>`;
  const known = names.find((d) => d.uuid === uuid);
  return known?.name
    ? html`<span title="${uuid}">${known.dealerName} · ${known.name}</span>`
    : html`<span class="id">${uuid}</span>`;
};

/** The start of a long id, enough to tell rows apart; the whole id is in the title and on the call's page. */
export const shortId = (id: string) =>
  html`<span class="id" title="${id}">${id.length > 13 ? `${id.slice(0, 13)}…` : id}</span>`;

/** A link to the calls list filtered by one value, or the bare value when there is none. */
export const filterLink = (field: string, value: string | null | undefined, label?: Html | string) =>
  value
    ? html`<a href="${linkTo("/ops/calls", { [field]: value })}">${label ?? value}</a>`
    : html`<span class="muted">—</span>`;

/** Wide tables scroll inside their own box on a phone, and that box takes keyboard focus to scroll. */
export const dataTable = (
  id: string,
  caption: Html | string,
  headers: readonly string[],
  rows: Html[],
) => html`
<div class="table-scroll" role="region" aria-labelledby="${id}" tabindex="0">
<table>
<caption id="${id}">${caption}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="${headers.length}" class="empty">Nothing matches.</td></tr>`}</tbody>
</table>
</div>`;

export const problemBox = (title: string, messages: readonly string[]) => html`
<div class="problem" role="alert">
<h2>${title}</h2>
<ul>${messages.map((m) => html`<li>${m}</li>`)}</ul>
</div>`;

/** What a refused read says, in the words of its envelope. */
export const problemMessages = (errors: readonly ErrorItem[]) =>
  errors.map((e) => (e.errorDescription ? `${e.errorMessage}: ${e.errorDescription}` : e.errorMessage));

export const textField = (
  name: string,
  label: string,
  values: QueryValues,
  options: { hint?: string; list?: string; inputmode?: "numeric" } = {},
) => html`<div class="field">
<label for="f-${name}">${label}</label>
<input id="f-${name}" name="${name}" value="${values[name] ?? ""}"${
  options.hint ? html` aria-describedby="f-${name}-hint"` : ""
}${options.list ? html` list="${options.list}"` : ""}${options.inputmode ? html` inputmode="${options.inputmode}"` : ""} autocomplete="off">
${options.hint ? html`<small id="f-${name}-hint">${options.hint}</small>` : ""}
</div>`;

export const selectField = (
  name: string,
  label: string,
  values: QueryValues,
  choices: readonly [string, string][],
) => html`<div class="field">
<label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}">
<option value="">Any</option>
${choices.map(
  ([value, text]) =>
    html`<option value="${value}"${values[name] === value ? html` selected` : ""}>${text}</option>`,
)}
</select>
</div>`;

/** Suggestions for the department field: the departments this credential may read, by name. */
export const departmentOptions = (names: readonly DepartmentName[]) => html`<datalist id="departments">
${names.map((d) => html`<option value="${d.uuid}">${d.name ? `${d.dealerName} · ${d.name}` : d.uuid}</option>`)}
</datalist>`;

export const TIME_HINT = "24h, 7d, 2026-11-23 (UTC midnight) or 2026-11-23T08:00Z";

/** Keyset paging: back to the newest page, or on to older rows from the last one seen. */
export const pager = (path: string, values: QueryValues, nextCursor: string | null) => {
  const { cursor, ...filters } = values;
  if (cursor === undefined && nextCursor === null) return "";
  return html`<nav class="pager" aria-label="Pages">
${cursor !== undefined ? html`<a href="${linkTo(path, filters)}">Newest</a>` : ""}
${nextCursor !== null ? html`<a href="${linkTo(path, { ...filters, cursor: nextCursor })}" rel="next">Older</a>` : ""}
</nav>`;
};
