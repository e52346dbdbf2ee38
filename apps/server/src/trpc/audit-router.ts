import {
  type AuditGetQuery,
  type AuditListQuery,
  AuditListResponse,
  AuditRecord,
  type AuditStatsQuery,
  AuditStatsResponse,
  type ErrorEnvelope,
} from "@payreq/contracts";
import {
  isAuditedRefusal,
  type ReadResult,
  readAuditList,
  readAuditRecord,
  readAuditStats,
} from "@payreq/core";
import { authedProcedure, router, type TrpcContext, toTrpcError, typedInput } from "./init.ts";

const settle = <T>(ctx: TrpcContext, result: ReadResult<T>): T => {
  ctx.call.audited = !isAuditedRefusal(result.status);
  if (result.status === 200) return result.body as T;
  throw toTrpcError(
    result.status,
    result.body as ErrorEnvelope,
    "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined,
  );
};

/** Operations staff: the audit log, readable per department with payment.audit.read. */
export const auditRouter = router({
  list: authedProcedure
    .input(typedInput<AuditListQuery>())
    .output(AuditListResponse)
    .query(async ({ ctx, input }) =>
      settle(ctx, await readAuditList(ctx.core.store, ctx.principal, input ?? {})),
    ),
  get: authedProcedure
    .input(typedInput<AuditGetQuery>())
    .output(AuditRecord)
    .query(async ({ ctx, input }) =>
      settle(ctx, await readAuditRecord(ctx.core.store, ctx.principal, input)),
    ),
  stats: authedProcedure
    .input(typedInput<AuditStatsQuery>())
    .output(AuditStatsResponse)
    .query(async ({ ctx, input }) =>
      settle(ctx, await readAuditStats(ctx.core.store, ctx.principal, input ?? {})),
    ),
});
