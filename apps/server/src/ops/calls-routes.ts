import type { AuditListResponse, AuditRecord, AuditRecordSummary, ErrorEnvelope } from "@payreq/contracts";
import type { Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { csvResponse, readAllPages } from "./csv-export.ts";
import { presentValues, toReadInput, withoutEmptyFields } from "./filters.ts";
import { callPage } from "./pages/call-page.ts";
import { callsPage } from "./pages/calls-page.ts";
import { messagePage } from "./pages/message-page.ts";
import { problemMessages } from "./pages/parts.ts";

const CSV_COLUMNS = [
  "recordedAt",
  "receivedAt",
  "requestId",
  "departmentUuid",
  "username",
  "transport",
  "operation",
  "clientAddress",
  "outcome",
  "httpStatus",
  "errorCodes",
  "warningCodes",
  "orderNumber",
  "orderUuid",
  "orderCreated",
  "invoiceUuid",
  "invoiceCreated",
  "paymentRequestUuid",
  "customerUuid",
  "textSent",
  "emailSent",
  "idempotencyKey",
  "durationMs",
] as const satisfies readonly (keyof AuditRecordSummary)[];

const csvCell = (value: AuditRecordSummary[keyof AuditRecordSummary]) =>
  Array.isArray(value) ? value.join(" ") : value;

export const registerCallsRoutes = (
  ops: Hono<AppEnv>,
  deps: ConsoleDeps,
  guard: MiddlewareHandler<AppEnv>,
) => {
  const { data, core } = deps;

  ops.get("/calls", guard, async (c) => {
    const shorter = withoutEmptyFields(c.req.url);
    if (shorter) return c.redirect(shorter, 303);
    const principal = c.get("principal");
    const values = presentValues(c.req.query());
    const departments = await data.departments(principal);
    const view = { username: principal.username, values, departments, records: [], nextCursor: null };
    const { input, problems } = toReadInput(values, core.clock.now());
    if (problems.length) return c.html(callsPage({ ...view, problems }), 400);
    const result = await data.listCalls(principal, input);
    if (result.status !== 200) {
      const { errors } = result.body as ErrorEnvelope;
      return c.html(
        callsPage({ ...view, problems: problemMessages(errors) }),
        result.status as ContentfulStatusCode,
      );
    }
    const page = result.body as AuditListResponse;
    return c.html(callsPage({ ...view, ...page, problems: [] }));
  });

  ops.get("/calls.csv", guard, async (c) => {
    const principal = c.get("principal");
    const { cursor: _, limit: __, ...values } = presentValues(c.req.query());
    const { input, problems } = toReadInput(values, core.clock.now());
    if (problems.length) return c.text(problems.join("\n"), 400);
    const all = await readAllPages(
      (cursor, limit) =>
        data.listCalls(principal, { ...input, limit: String(limit), ...(cursor ? { cursor } : {}) }),
      (page: AuditListResponse) => page.records,
    );
    if (!all.ok)
      return c.text(problemMessages(all.body.errors).join("\n"), all.status as ContentfulStatusCode);
    return csvResponse(
      c,
      "calls",
      [...CSV_COLUMNS],
      all.rows.map((r) => CSV_COLUMNS.map((column) => csvCell(r[column]))),
      all.truncated,
    );
  });

  ops.get("/calls/:requestId", guard, async (c) => {
    const principal = c.get("principal");
    const frame = { title: "Call", username: principal.username, active: "calls" as const };
    const result = await data.getCall(principal, c.req.param("requestId"));
    if (result.status !== 200) {
      const { errors } = result.body as ErrorEnvelope;
      const heading =
        result.status === 404
          ? "No such call"
          : result.status === 403
            ? "Not a call you may read"
            : "Not a request id";
      return c.html(
        messagePage(frame, heading, problemMessages(errors)),
        result.status as ContentfulStatusCode,
      );
    }
    const record = result.body as AuditRecord;
    const [departments, customerName, messages, sameKey] = await Promise.all([
      data.departments(principal),
      record.customerUuid ? data.customerName(record.customerUuid) : undefined,
      record.paymentRequestUuid ? data.messagesOf(record.paymentRequestUuid) : [],
      record.idempotencyKey && record.username
        ? data.callsWithKey(principal, record.username, record.idempotencyKey)
        : undefined,
    ]);
    return c.html(
      callPage({
        username: principal.username,
        record,
        departments,
        customerName,
        messages,
        sameKey: sameKey?.status === 200 ? (sameKey.body as AuditListResponse).records : [],
      }),
    );
  });
};
