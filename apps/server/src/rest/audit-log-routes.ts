import { isAuditedRefusal, type ReadResult, readAuditList, readAuditRecord } from "@payreq/core";
import type { Context, Hono } from "hono";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticate } from "../http/authenticate.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { envelopeResponse } from "../http/envelope.ts";

export const AUDIT_LIST_PATH = "/payment/aggregator/v1/audit-log";
export const AUDIT_RECORD_PATH = "/payment/aggregator/v1/audit-log/:requestId";

/** Reads are not audited as calls; refusals (401, 403) are, by auditCalls. */
const respond = (c: Context<AppEnv>, result: ReadResult<unknown>) => {
  c.get("call").audited = !isAuditedRefusal(result.status);
  return envelopeResponse(
    c,
    result.status,
    result.body,
    "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined,
  );
};

export const registerAuditLogRoutes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const { store } = deps.core;
  app.use(
    AUDIT_LIST_PATH,
    auditCalls(deps, "rest", () => "audit.list"),
  );
  app.use(
    AUDIT_RECORD_PATH,
    auditCalls(deps, "rest", () => "audit.get"),
  );
  app.get(AUDIT_LIST_PATH, authenticate(deps), async (c) => {
    const query = c.req.query();
    if (typeof query.departmentUuid === "string") c.get("call").departmentUuid = query.departmentUuid;
    return respond(c, await readAuditList(store, c.get("principal"), query));
  });
  app.get(AUDIT_RECORD_PATH, authenticate(deps), async (c) =>
    respond(c, await readAuditRecord(store, c.get("principal"), { requestId: c.req.param("requestId") })),
  );
};
