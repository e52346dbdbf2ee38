import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, auditFilterFields, identifier } from "@payreq/contracts";
import * as z from "zod";

/** Filters of the console's outbox list; times and paging work as the audit list's do. */
export const MessageQuerySchema = z.strictObject({
  departmentUuid: identifier("departmentUuid").optional(),
  channel: z.enum(["text", "email"], { error: "channel must be text or email" }).optional(),
  status: z
    .enum(["DELIVERED", "FAILED", "UNCERTAIN"], { error: "status must be DELIVERED, FAILED or UNCERTAIN" })
    .optional(),
  paymentRequestUuid: identifier("paymentRequestUuid").optional(),
  customerUuid: identifier("customerUuid").optional(),
  since: auditFilterFields.since,
  until: auditFilterFields.until,
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be an integer")
    .min(1, "limit must be at least 1")
    .max(AUDIT_PAGE_MAX, `limit must be at most ${AUDIT_PAGE_MAX}`)
    .default(AUDIT_PAGE_DEFAULT),
  cursor: identifier("cursor").optional(),
});
export type MessageQuery = z.infer<typeof MessageQuerySchema>;
