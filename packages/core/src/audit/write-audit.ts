import { type ErrorEnvelope, IdempotencyKey, type SendPaymentRequestResponse } from "@payreq/contracts";
import type { CallMeta, TimelineEntry, Touched } from "../domain/call.ts";
import { redactPersonalData } from "../domain/redact.ts";
import type { Clock } from "../ports/clock.ts";
import type { ProgramContext, Sql } from "../ports/store.ts";
import { type AuditColumns, appendToChain } from "./hash-chain.ts";

export type AuditEntry = {
  meta: CallMeta;
  username?: string | undefined;
  departmentUuid?: string | undefined;
  status: number;
  response: SendPaymentRequestResponse | ErrorEnvelope | Record<string, unknown>;
  requestBody?: unknown;
  /**
   * The request body as its column stores it (redacted, serialized), made by `withRequestBodyColumn` on the
   * caller's thread so that the database's thread need not; wins over `requestBody`.
   */
  requestBodyColumn?: string | null | undefined;
  /** The steps of the call, and the objects it touched (see AuditTrail). */
  timeline?: TimelineEntry[] | undefined;
  touched?: Touched | undefined;
};

export const outcomeOf = (status: number) =>
  status < 400 ? "SUCCESS" : status < 500 ? "REJECTED" : "FAILED";

/** Free text is redacted and payment links cut, whatever field holds them (paymentUrl, paymentLink, …). */
const responseForAudit = (response: AuditEntry["response"]) => redactPersonalData(response);

const codes = (items: unknown, key: "errorCode" | "warningCode"): number[] =>
  Array.isArray(items) ? items.map((item) => Number((item as Record<string, unknown>)[key])) : [];

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

const requestBodyColumnOf = (requestBody: unknown): string | null =>
  requestBody === undefined ? null : json(redactPersonalData(requestBody));

/** The entry with its request body redacted and serialized here, before it is sent to the database's thread. */
export const withRequestBodyColumn = <E extends Pick<AuditEntry, "requestBody" | "requestBodyColumn">>(
  entry: E,
): E => ({
  ...entry,
  requestBody: undefined,
  requestBodyColumn: entry.requestBodyColumn ?? requestBodyColumnOf(entry.requestBody),
});

/** The row's columns as stored. Never given a password or an Authorization header; free text is masked. */
export const toAuditColumns = (
  entry: AuditEntry,
  clock: Clock,
): Omit<AuditColumns, "seq" | "recorded_at" | "prev_hash"> => {
  const { meta, response } = entry;
  const body = response as Record<string, unknown>;
  const touched = entry.touched ?? {};
  const errorCodes = codes(body.errors, "errorCode");
  return {
    request_id: meta.requestId,
    received_at: meta.receivedAt,
    duration_ms: Math.max(0, clock.now() - meta.receivedAt),
    transport: meta.transport,
    operation: meta.operation,
    client_address: meta.clientAddress ?? null,
    username: entry.username ?? null,
    department_uuid: entry.departmentUuid ?? null,
    outcome: outcomeOf(entry.status),
    http_status: entry.status,
    error_code: errorCodes[0] ?? null,
    error_codes: JSON.stringify(errorCodes),
    warning_codes: JSON.stringify(codes(body.warnings, "warningCode")),
    order_number: touched.orderNumber ?? null,
    order_uuid: touched.orderUuid ?? null,
    order_created: flag(touched.orderCreated),
    invoice_uuid: touched.invoiceUuid ?? null,
    invoice_created: flag(touched.invoiceCreated),
    payment_request_uuid: touched.paymentRequestUuid ?? null,
    customer_uuid: touched.customerUuid ?? null,
    text_sent: typeof body.textSent === "string" ? body.textSent : null,
    email_sent: typeof body.emailSent === "string" ? body.emailSent : null,
    idempotency_key: IdempotencyKey.safeParse(meta.idempotencyKey).success
      ? (meta.idempotencyKey ?? null)
      : null,
    request_body: entry.requestBodyColumn ?? requestBodyColumnOf(entry.requestBody),
    response_body: json(responseForAudit(response)),
    timeline: JSON.stringify(entry.timeline ?? []),
  };
};

/** Appends the call's row to the chain, inside the caller's transaction. */
export const insertAuditRow = async (
  tx: Sql,
  entry: AuditEntry,
  { store, clock }: Pick<ProgramContext, "store" | "clock">,
): Promise<void> => {
  await appendToChain(store, tx, toAuditColumns(entry, clock), clock.now());
};
