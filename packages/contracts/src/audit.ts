import * as z from "zod";
import { identifier } from "./identifier.ts";

export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

export const AuditOutcome = z.enum(["SUCCESS", "REJECTED", "FAILED"]);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

const time = (field: string) =>
  z.iso.datetime({ offset: true, error: `${field} must be an ISO-8601 date-time with an offset or Z` });

const text = (field: string, max = 255) =>
  z
    .string({ error: `${field} must be a string` })
    .min(1, `${field} must not be empty`)
    .max(max, `${field} is too long`);

const integer = (field: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${field} must be a number` })
    .int(`${field} must be an integer`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

/** Filters shared by REST query parameters, tRPC input and the CLI. All optional; combined with AND. */
export const auditFilterFields = {
  departmentUuid: identifier("departmentUuid").optional(),
  since: time("since").optional(),
  until: time("until").optional(),
  outcome: AuditOutcome.optional(),
  httpStatus: integer("httpStatus", 100, 599).optional(),
  errorCode: integer("errorCode", 1, 999_999).optional(),
  username: text("username", 64).optional(),
  orderNumber: text("orderNumber", 64).optional(),
  orderUuid: identifier("orderUuid").optional(),
  invoiceUuid: identifier("invoiceUuid").optional(),
  customerUuid: identifier("customerUuid").optional(),
  idempotencyKey: text("idempotencyKey").optional(),
  requestId: text("requestId").optional(),
};

export const AuditListQuery = z.strictObject({
  ...auditFilterFields,
  limit: integer("limit", 1, AUDIT_PAGE_MAX).optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "cursor must be a value returned as nextCursor")
    .optional(),
});
export type AuditListQuery = z.infer<typeof AuditListQuery>;

export const AuditStatsQuery = z.strictObject({
  departmentUuid: identifier("departmentUuid").optional(),
  since: time("since").optional(),
  until: time("until").optional(),
  topErrors: integer("topErrors", 1, 50).optional(),
});
export type AuditStatsQuery = z.infer<typeof AuditStatsQuery>;

export const AuditGetQuery = z.strictObject({ requestId: text("requestId") });
export type AuditGetQuery = z.infer<typeof AuditGetQuery>;

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

export const AuditRecordSummary = z.object({
  requestId: z.string(),
  receivedAt: z.string(),
  recordedAt: z.string(),
  durationMs: z.int(),
  transport: z.string(),
  operation: z.string(),
  clientAddress: nullable(z.string()),
  username: nullable(z.string()),
  departmentUuid: nullable(z.string()),
  outcome: AuditOutcome,
  httpStatus: z.int(),
  errorCodes: z.array(z.int()),
  warningCodes: z.array(z.int()),
  orderNumber: nullable(z.string()),
  orderUuid: nullable(z.string()),
  orderCreated: nullable(z.boolean()),
  invoiceUuid: nullable(z.string()),
  invoiceCreated: nullable(z.boolean()),
  paymentRequestUuid: nullable(z.string()),
  customerUuid: nullable(z.string()),
  textSent: nullable(z.string()),
  emailSent: nullable(z.string()),
  idempotencyKey: nullable(z.string()),
});
export type AuditRecordSummary = z.infer<typeof AuditRecordSummary>;

export const AuditTimelineEntry = z.object({
  step: z.string(),
  atMs: z.number(),
  durationMs: z.number(),
  result: z.string(),
  detail: z.string().optional(),
});

export const AuditRecord = AuditRecordSummary.extend({
  seq: z.int(),
  requestBody: z.unknown(),
  responseBody: z.unknown(),
  timeline: z.array(AuditTimelineEntry),
  prevHash: z.string(),
  rowHash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditListResponse = z.object({
  records: z.array(AuditRecordSummary),
  nextCursor: z.string().nullable(),
});
export type AuditListResponse = z.infer<typeof AuditListResponse>;

export const AuditStatsResponse = z.object({
  since: z.string().nullable(),
  until: z.string().nullable(),
  days: z.array(
    z.object({
      day: z.string(),
      departmentUuid: z.string().nullable(),
      success: z.int(),
      rejected: z.int(),
      failed: z.int(),
      total: z.int(),
    }),
  ),
  topErrorCodes: z.array(z.object({ errorCode: z.int(), errorTitle: z.string(), count: z.int() })),
});
export type AuditStatsResponse = z.infer<typeof AuditStatsResponse>;
