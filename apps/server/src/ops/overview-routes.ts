import { type AuditStatsResponse, type ErrorEnvelope, Scopes } from "@payreq/contracts";
import { departmentsWithScope, type Principal } from "@payreq/core";
import type { Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { type QueryValues, withoutEmptyFields } from "./filters.ts";
import type { DeliveryRate } from "./ops-data.ts";
import type { DayCounts } from "./pages/day-chart.ts";
import { messagePage } from "./pages/message-page.ts";
import { overviewPage } from "./pages/overview-page.ts";
import { problemMessages } from "./pages/parts.ts";

const DAYS = 30;
const DAY_MS = 86_400_000;

/** The last DAYS UTC days, today included, oldest first. */
const lastDays = (now: number): string[] => {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: DAYS }, (_, i) =>
    new Date(today - (DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
};

/** Stats come per department and day; the chart wants one bar per day, empty days included. */
const perDay = (days: readonly string[], stats: AuditStatsResponse | undefined): DayCounts[] => {
  const byDay = new Map(days.map((day) => [day, { day, success: 0, rejected: 0, failed: 0 }]));
  for (const d of stats?.days ?? []) {
    const sum = byDay.get(d.day);
    if (!sum) continue;
    sum.success += d.success;
    sum.rejected += d.rejected;
    sum.failed += d.failed;
  }
  return [...byDay.values()];
};

const readsEveryDepartment = (principal: Principal) =>
  departmentsWithScope(principal, Scopes.auditRead) === "*";

export const registerOverviewRoutes = (
  ops: Hono<AppEnv>,
  deps: ConsoleDeps,
  guard: MiddlewareHandler<AppEnv>,
  postGuard: MiddlewareHandler<AppEnv>,
) => {
  const { data, core, chain } = deps;

  ops.get("/", guard, async (c) => {
    const shorter = withoutEmptyFields(c.req.url);
    if (shorter) return c.redirect(shorter, 303);
    const principal = c.get("principal");
    const departmentUuid = c.req.query("departmentUuid")?.trim() || undefined;
    const days = lastDays(core.clock.now());
    const since = days[0] ?? "";
    const sinceIso = `${since}T00:00:00.000Z`;
    const [departments, stats, rates] = await Promise.all([
      data.departments(principal),
      data.callStats(principal, {
        since: sinceIso,
        topErrors: "8",
        ...(departmentUuid ? { departmentUuid } : {}),
      }),
      data.deliveryRates(principal, Date.parse(sinceIso), departmentUuid),
    ]);
    const failure = [stats, rates].find((r) => r.status !== 200);
    const counts = stats.status === 200 ? (stats.body as AuditStatsResponse) : undefined;
    const values: QueryValues = departmentUuid ? { departmentUuid } : {};
    const view = {
      username: principal.username,
      values,
      departments,
      since,
      days: perDay(days, counts),
      topErrors: counts?.topErrorCodes ?? [],
      rates: rates.status === 200 ? (rates.body as DeliveryRate[]) : [],
      chain: chain.last(),
      canVerify: readsEveryDepartment(principal),
      problems: failure ? problemMessages((failure.body as ErrorEnvelope).errors) : [],
    };
    return c.html(overviewPage(view), (failure?.status ?? 200) as ContentfulStatusCode);
  });

  ops.post("/verify-chain", postGuard, async (c) => {
    const principal = c.get("principal");
    if (!readsEveryDepartment(principal)) {
      return c.html(
        messagePage(
          { title: "Not allowed", username: principal.username, active: "overview" },
          "Not allowed",
          ["The audit chain covers every department's calls: verifying it needs payment.audit.read on *."],
        ),
        403,
      );
    }
    await chain.verify();
    return c.redirect("/ops#chain-h", 303);
  });
};
