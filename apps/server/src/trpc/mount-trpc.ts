import { trpcServer } from "@hono/trpc-server";
import { ERRORS, errorItem } from "@payreq/contracts";
import type { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticateHeader } from "../http/authenticate.ts";
import { inspectJsonBody, limitBody, requireJson } from "../http/body.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { WWW_AUTHENTICATE } from "../http/envelope.ts";
import { EnvelopeError, type TrpcContext, trpcErrorBody } from "./init.ts";
import { appRouter } from "./router.ts";

export const TRPC_ENDPOINT = "/trpc";

const procedureOf = (path: string) => path.slice(TRPC_ENDPOINT.length + 1) || "unknown";

/** Credentials first, as for REST; a refusal is answered in tRPC's error shape. */
const authenticateTrpc = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const result = await authenticateHeader(deps, c.req.header("authorization"), c.get("call"));
    if (!result.ok) {
      const status = ERRORS[result.error].status;
      if (status === 401) c.header("WWW-Authenticate", WWW_AUTHENTICATE);
      if (result.retryAfterSeconds !== undefined) c.header("Retry-After", String(result.retryAfterSeconds));
      const envelope = { errors: [errorItem(result.error)], warnings: [] };
      return c.json(trpcErrorBody(status, envelope, procedureOf(c.req.path)), status as ContentfulStatusCode);
    }
    c.set("principal", result.principal);
    await next();
  });

export const mountTrpc = (app: Hono<AppEnv>, deps: AppDeps) => {
  app.use(
    `${TRPC_ENDPOINT}/*`,
    auditCalls(deps, "trpc", (c) => procedureOf(c.req.path)),
    limitBody(),
    authenticateTrpc(deps),
    requireJson(),
    inspectJsonBody(),
    trpcServer({
      router: appRouter,
      endpoint: TRPC_ENDPOINT,
      // One call per HTTP request: one request id, one audit row.
      maxBatchSize: 1,
      createContext: (_opts, c) =>
        ({
          core: deps.core,
          metrics: deps.metrics,
          call: c.get("call"),
          principal: c.get("principal"),
        }) satisfies TrpcContext,
      responseMeta({ errors, ctx }) {
        const headers = new Headers();
        if (ctx?.call.replayed) headers.set("Idempotent-Replayed", "true");
        for (const error of errors) {
          if (error.code === "UNAUTHORIZED") headers.set("WWW-Authenticate", WWW_AUTHENTICATE);
          if (error.cause instanceof EnvelopeError && error.cause.retryAfterSeconds !== undefined) {
            headers.set("Retry-After", String(error.cause.retryAfterSeconds));
          }
        }
        return { headers };
      },
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") {
          deps.core.deps.logger.error("trpc internal error", {
            path,
            error: error.cause?.message ?? error.message,
          });
        }
      },
    }),
  );
};
