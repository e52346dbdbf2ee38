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
  throw toTrpcError(result.status, result.body as ErrorEnvelope);
};

/** Operations staff: the audit log, readable per department with payment.audit.read. */
export const auditRouter = router({
  list: authedProcedure
    .input(typedInput<AuditListQuery>())
    .output(AuditListResponse)
    .query(({ ctx, input }) =>
      settle(ctx, readAuditList(ctx.core.deps.database.sqlite, ctx.principal, input ?? {})),
    ),
  get: authedProcedure
    .input(typedInput<AuditGetQuery>())
    .output(AuditRecord)
    .query(({ ctx, input }) =>
      settle(ctx, readAuditRecord(ctx.core.deps.database.sqlite, ctx.principal, input)),
    ),
  stats: authedProcedure
    .input(typedInput<AuditStatsQuery>())
    .output(AuditStatsResponse)
    .query(({ ctx, input }) =>
      settle(ctx, readAuditStats(ctx.core.deps.database.sqlite, ctx.principal, input ?? {})),
    ),
});
