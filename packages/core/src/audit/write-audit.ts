import type { ErrorEnvelope, SendPaymentRequestResponse } from "@payreq/contracts";
import type { Db } from "../db/open-database.ts";
import { auditLog } from "../db/schema.ts";
import type { Clock } from "../ids.ts";
import { maskPaymentUrl, redactPersonalData } from "../redact.ts";
import type { AuditTrail, CallMeta } from "./audit-trail.ts";

export type AuditEntry = {
  meta: CallMeta;
  username?: string | undefined;
  departmentUuid?: string | undefined;
  status: number;
  response: SendPaymentRequestResponse | ErrorEnvelope | Record<string, unknown>;
  requestBody?: unknown;
  trail?: AuditTrail | undefined;
};

export const outcomeOf = (status: number) =>
  status < 400 ? "SUCCESS" : status < 500 ? "REJECTED" : "FAILED";

const responseForAudit = (response: AuditEntry["response"]) => {
  const copy = { ...response } as Record<string, unknown>;
  if (typeof copy.paymentUrl === "string") copy.paymentUrl = maskPaymentUrl(copy.paymentUrl);
  return redactPersonalData(copy);
};

const codes = (items: unknown, key: "errorCode" | "warningCode"): number[] =>
  Array.isArray(items) ? items.map((item) => Number((item as Record<string, unknown>)[key])) : [];

/** One row per call. Never given a password or an Authorization header; personal data in free text is masked. */
export const toAuditRow = (entry: AuditEntry, clock: Clock): typeof auditLog.$inferInsert => {
  const { meta, response, trail } = entry;
  const body = response as Record<string, unknown>;
  const touched = trail?.touched ?? {};
  return {
    requestId: meta.requestId,
    receivedAt: meta.receivedAt,
    durationMs: Math.max(0, clock.now() - meta.receivedAt),
    transport: meta.transport,
    operation: meta.operation,
    clientAddress: meta.clientAddress ?? null,
    username: entry.username ?? null,
    departmentUuid: entry.departmentUuid ?? null,
    outcome: outcomeOf(entry.status),
    httpStatus: entry.status,
    errorCodes: codes(body.errors, "errorCode"),
    warningCodes: codes(body.warnings, "warningCode"),
    orderNumber: touched.orderNumber ?? null,
    orderUuid: touched.orderUuid ?? null,
    orderCreated: touched.orderCreated ?? null,
    invoiceUuid: touched.invoiceUuid ?? null,
    invoiceCreated: touched.invoiceCreated ?? null,
    paymentRequestUuid: touched.paymentRequestUuid ?? null,
    customerUuid: touched.customerUuid ?? null,
    textSent: typeof body.textSent === "string" ? body.textSent : null,
    emailSent: typeof body.emailSent === "string" ? body.emailSent : null,
    idempotencyKey: meta.idempotencyKey ?? null,
    requestBody: entry.requestBody === undefined ? null : redactPersonalData(entry.requestBody),
    responseBody: responseForAudit(response),
    timeline: trail?.timeline ?? [],
  };
};

/** Inserts the row; call it inside a write-queue turn. */
export const insertAuditRow = (db: Db, entry: AuditEntry, clock: Clock): void => {
  db.insert(auditLog).values(toAuditRow(entry, clock)).run();
};
