import {
  AuditGetQuery,
  AuditListQuery,
  type AuditListResponse,
  type AuditRecord,
  AuditStatsQuery,
  type AuditStatsResponse,
  type ErrorEnvelope,
  errorItem,
  Scopes,
  toRequestErrors,
} from "@payreq/contracts";
import type * as z from "zod";
import { departmentsWithScope, type Principal } from "../auth/principal.ts";
import { PayreqError } from "../domain/errors.ts";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "../ports/store.ts";
import {
  type AuditAccess,
  type AuditSource,
  auditStats,
  getAuditRecord,
  listAuditRecords,
} from "./query-audit.ts";

export type ReadResult<T> =
  | { status: 200; body: T }
  | { status: number; body: ErrorEnvelope; retryAfterSeconds?: number | undefined };

/** Validates the query, works out which departments the caller may read, runs the read; refusals in the envelope. */
const read = async <S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  principal: Principal,
  run: (access: AuditAccess, query: z.infer<S>) => Promise<T>,
): Promise<ReadResult<T>> => {
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { status: 400, body: { errors: toRequestErrors(parsed.error), warnings: [] } };
  const access = departmentsWithScope(principal, Scopes.auditRead);
  try {
    if (access !== "*" && access.length === 0) {
      throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
        description: "The credential does not hold payment.audit.read.",
      });
    }
    return { status: 200, body: await run(access, parsed.data) };
  } catch (error) {
    if (error instanceof PayreqError)
      return { status: error.status, body: { errors: [error.item], warnings: [] } };
    if (isStoreUnavailable(error)) {
      return {
        status: 503,
        body: { errors: [errorItem("STORE_UNAVAILABLE")], warnings: [] },
        retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
      };
    }
    throw error;
  }
};

export const readAuditList = (
  source: AuditSource,
  principal: Principal,
  input: unknown,
): Promise<ReadResult<AuditListResponse>> =>
  read(AuditListQuery, input, principal, (access, query) => listAuditRecords(source, access, query));

export const readAuditRecord = (
  source: AuditSource,
  principal: Principal,
  input: unknown,
): Promise<ReadResult<AuditRecord>> =>
  read(AuditGetQuery, input, principal, (access, query) => getAuditRecord(source, access, query.requestId));

export const readAuditStats = (
  source: AuditSource,
  principal: Principal,
  input: unknown,
): Promise<ReadResult<AuditStatsResponse>> =>
  read(AuditStatsQuery, input, principal, (access, query) => auditStats(source, access, query));

/** A refusal of a read is audited like a refused send; a successful read is not. */
export const isAuditedRefusal = (status: number) => status === 401 || status === 403 || status === 429;
