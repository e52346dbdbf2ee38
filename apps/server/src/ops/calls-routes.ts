import type { AuditListResponse, AuditRecord, AuditRecordSummary, ErrorEnvelope } from "@payreq/contracts";
import type { Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { csvExport } from "./csv-export.ts";
import { listPage } from "./list-page.ts";
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

const NOT_SHOWN = { 403: "Not a call you may read", 404: "No such call" } as Record<number, string>;

export const registerCallsRoutes = (
  ops: Hono<AppEnv>,
  deps: ConsoleDeps,
  guard: MiddlewareHandler<AppEnv>,
) => {
  const { data } = deps;

  ops.get(
    "/calls",
    guard,
    listPage(deps, data.listCalls, (frame, body: AuditListResponse | undefined) =>
      callsPage({ ...frame, records: body?.records ?? [], nextCursor: body?.nextCursor ?? null }),
    ),
  );

  ops.get(
    "/calls.csv",
    guard,
    csvExport(
      deps,
      "calls",
      CSV_COLUMNS,
      data.listCalls,
      (page: AuditListResponse) => page.records,
      (record) => CSV_COLUMNS.map((column) => csvCell(record[column])),
    ),
  );

  ops.get("/calls/:requestId", guard, async (c) => {
    const principal = c.get("principal");
    const result = await data.getCall(principal, c.req.param("requestId"));
    if (result.status !== 200) {
      const { errors } = result.body as ErrorEnvelope;
      return c.html(
        messagePage(
          { title: "Call", username: principal.username, active: "calls" },
          NOT_SHOWN[result.status] ?? "Not a request id",
          problemMessages(errors),
        ),
        result.status as ContentfulStatusCode,
      );
    }
    const record = result.body as AuditRecord;
    const [departments, customerName, messages, sameKey, events] = await Promise.all([
      data.departments(principal),
      record.customerUuid ? data.customerName(record.customerUuid) : undefined,
      record.paymentRequestUuid ? data.messagesOf(record.paymentRequestUuid) : [],
      record.idempotencyKey && record.username
        ? data.callsWithKey(principal, record.username, record.idempotencyKey)
        : undefined,
      data.eventsOf(principal, record.requestId),
    ]);
    return c.html(
      callPage({
        username: principal.username,
        record,
        departments,
        customerName,
        messages,
        sameKey: sameKey?.status === 200 ? (sameKey.body as AuditListResponse).records : [],
        events,
      }),
    );
  });
};
