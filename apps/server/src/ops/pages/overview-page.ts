import { html } from "hono/html";
import type { ChainCheck } from "../../observability/chain-status.ts";
import { linkTo, type QueryValues } from "../filters.ts";
import type { DeliveryRate, DepartmentName } from "../ops-data.ts";
import { type DayCounts, dayChart } from "./day-chart.ts";
import { layout } from "./layout.ts";
import { dataTable, departmentOptions, problemBox, textField, timeOf, zoneNote } from "./parts.ts";

export type OverviewView = {
  username: string;
  values: QueryValues;
  departments: readonly DepartmentName[];
  /** The first day shown, YYYY-MM-DD (UTC). */
  since: string;
  days: readonly DayCounts[];
  topErrors: readonly { errorCode: number; errorTitle: string; count: number }[];
  rates: readonly DeliveryRate[];
  chain: ChainCheck | undefined;
  /** The chain spans every department, so only a credential reading all of them verifies it. */
  canVerify: boolean;
  problems: readonly string[];
};

const percent = (part: number, whole: number) =>
  whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)} %`;

const totals = (view: OverviewView) => {
  const sum = (key: keyof Omit<DayCounts, "day">) => view.days.reduce((n, d) => n + d[key], 0);
  const [success, rejected, failed] = [sum("success"), sum("rejected"), sum("failed")];
  const { departmentUuid } = view.values;
  const calls = (outcome: string) => linkTo("/ops/calls", { outcome, since: view.since, departmentUuid });
  return html`<ul class="totals">
<li><a href="${calls("SUCCESS")}"><strong>${success}</strong> succeeded</a></li>
<li><a href="${calls("REJECTED")}"><strong>${rejected}</strong> rejected</a></li>
<li><a href="${calls("FAILED")}"><strong>${failed}</strong> failed</a></li>
<li><strong>${success + rejected + failed}</strong> calls in all</li>
</ul>`;
};

const dayTable = (view: OverviewView) => html`<details>
<summary>Calls per day as a table</summary>
${dataTable(
  "days-caption",
  "Calls per day by outcome (UTC days)",
  ["Day", "Succeeded", "Rejected", "Failed"],
  view.days
    .filter((d) => d.success + d.rejected + d.failed > 0)
    .map(
      (d) => html`<tr>
<td><a href="${linkTo("/ops/calls", { since: d.day, until: `${d.day}T23:59:59.999Z`, departmentUuid: view.values.departmentUuid })}">${d.day}</a></td>
<td>${d.success}</td><td>${d.rejected}</td><td>${d.failed}</td>
</tr>`,
    ),
)}
</details>`;

const topErrors = (view: OverviewView) =>
  dataTable(
    "errors-caption",
    "Most frequent error codes",
    ["Code", "Title", "Calls"],
    view.topErrors.map(
      (e) => html`<tr>
<td><a href="${linkTo("/ops/calls", { errorCode: String(e.errorCode), since: view.since, departmentUuid: view.values.departmentUuid })}">${e.errorCode}</a></td>
<td>${e.errorTitle}</td>
<td>${e.count}</td>
</tr>`,
    ),
  );

const deliveryRates = (view: OverviewView) =>
  dataTable(
    "delivery-caption",
    "Delivery: messages handed to a provider",
    ["Channel", "Delivered", "Failed", "Success rate"],
    view.rates.map((r) => {
      const failedLink = linkTo("/ops/outbox", {
        channel: r.channel,
        status: "FAILED",
        since: view.since,
        departmentUuid: view.values.departmentUuid,
      });
      const total = r.delivered + r.failed;
      return html`<tr>
<th scope="row">${r.channel === "text" ? "Texts" : "Emails"}</th>
<td>${r.delivered}</td>
<td><a href="${failedLink}">${r.failed}</a></td>
<td>${total ? html`<meter min="0" max="${total}" value="${r.delivered}" aria-hidden="true"></meter> ` : ""}${percent(r.delivered, total)}</td>
</tr>`;
    }),
  );

const chainStatus = (view: OverviewView) => {
  if (!view.canVerify) {
    return html`<p>The chain covers every department's calls, so a credential reading all departments verifies it.</p>`;
  }
  const last = view.chain;
  const result = !last
    ? html`<p>Not verified since the service started.</p>`
    : last.report.ok
      ? html`<p><span class="badge badge-success">OK</span> ${last.report.rowsChecked} rows checked from seq ${last.report.firstSeq ?? "—"}, ${timeOf(new Date(last.checkedAt).toISOString())}.</p>
<p>Head hash: <code class="id">${last.report.headHash}</code></p>`
      : html`<p><span class="badge badge-failed">TAMPERED</span> row seq ${last.report.problem?.seq}
(request <a href="/ops/calls/${encodeURIComponent(last.report.problem?.requestId ?? "")}">${last.report.problem?.requestId}</a>)
${last.report.problem?.kind}: ${last.report.problem?.detail}. Checked ${timeOf(new Date(last.checkedAt).toISOString())}.</p>`;
  return html`${result}
<form method="post" action="/ops/verify-chain">
<button type="submit">Verify now</button>
</form>
<p class="note">Verifying reads every row of the log, so it runs when asked here and on the service's own schedule (PAYREQ_AUDIT_VERIFY_INTERVAL); the result shown is the last one of either, with its time.</p>`;
};

/** The last 30 days at a glance, each number a link to the calls or messages behind it. */
export const overviewPage = (view: OverviewView) =>
  layout(
    { title: "Overview", username: view.username, active: "overview" },
    html`<h1>Overview</h1>
<form method="get" action="/ops" class="filters compact" aria-label="Department">
${departmentOptions(view.departments)}
${textField("departmentUuid", "Department", view.values, { list: "departments", hint: "empty for all you may read" })}
<div class="actions"><button type="submit">Show</button> <a href="/ops">All departments</a></div>
</form>
${view.problems.length ? problemBox("Check the department", view.problems) : ""}
${zoneNote}
<section aria-labelledby="calls-h">
<h2 id="calls-h">Calls since ${view.since}</h2>
${totals(view)}
${dayChart(view.days, view.values.departmentUuid)}
${dayTable(view)}
</section>
<div class="columns">
<section aria-labelledby="errors-caption">${topErrors(view)}</section>
<section aria-labelledby="delivery-caption">${deliveryRates(view)}</section>
</div>
<section aria-labelledby="chain-h">
<h2 id="chain-h">Audit chain</h2>
${chainStatus(view)}
</section>`,
  );
