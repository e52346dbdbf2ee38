import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "@payreq/core";
import { Hono } from "hono";
import { createBackground } from "./http/background.ts";
import type { AppDeps, AppEnv } from "./http/env.ts";
import { errorResponse } from "./http/envelope.ts";
import { observeRequests } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { createChainStatus } from "./observability/chain-status.ts";
import { disabledMetrics } from "./observability/service-metrics.ts";
import { registerDocsRoutes } from "./openapi/docs-routes.ts";
import { registerOpsConsole } from "./ops/ops-console.ts";
import { registerPaymentPageRoutes } from "./pay/payment-page-routes.ts";
import { registerAuditLogRoutes } from "./rest/audit-log-routes.ts";
import { registerDealerRoutes } from "./rest/dealer-routes.ts";
import { registerProviderCallbackRoutes } from "./rest/provider-callbacks.ts";
import { registerSendPaymentRequestRoute } from "./rest/send-payment-request-route.ts";
import { registerUpstreamV4Routes } from "./rest/upstream-v4-routes.ts";
import { registerWebhookEndpointRoutes } from "./rest/webhook-endpoint-routes.ts";
import { mountTrpc } from "./trpc/mount-trpc.ts";

export type AppOptions = Omit<AppDeps, "metrics" | "chain" | "background"> & {
  background?: AppDeps["background"] | undefined;
  metrics?: AppDeps["metrics"] | undefined;
  /** Shared with serve's chain verifier; an app of its own by default. */
  chain?: AppDeps["chain"] | undefined;
};

/** The HTTP surface: REST at the published path, tRPC at /trpc, docs, health. No /metrics: it has its own listener. */
export const createApp = (options: AppOptions) => {
  const metrics = options.metrics ?? disabledMetrics;
  const { core } = options;
  const deps: AppDeps = {
    ...options,
    metrics,
    chain: options.chain ?? createChainStatus({ store: core.store, metrics, now: () => core.clock.now() }),
    background: options.background ?? createBackground(core.deps.logger),
  };
  const app = new Hono<AppEnv>();
  const { logger } = deps.core.deps;

  // Every call gets an id of the service's own (UUIDv7: the audit index grows at its end). A caller's X-Request-Id
  // is not reused: ids are unique in the audit log, and a client resending its own id must not break its call.
  app.use(async (c, next) => {
    c.set("requestId", deps.core.ids.next());
    await next();
  });
  app.use(securityHeaders({ hsts: deps.hsts ?? false }));
  app.use(async (c, next) => {
    await next();
    // tRPC builds its own Response, so the header is set on whatever response goes out.
    c.res.headers.set("X-Request-Id", c.get("requestId"));
  });
  app.use(observeRequests(deps));

  // Draining: the load balancer is told at once (readiness), and no connection is kept for another call.
  app.use(async (c, next) => {
    await next();
    if (deps.drain?.draining) c.res.headers.set("Connection", "close");
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (deps.drain?.draining) return c.json({ status: "draining" }, 503);
    if (await deps.core.store.ready()) return c.json({ status: "ready" });
    c.header("Retry-After", String(STORE_RETRY_AFTER_SECONDS));
    return c.json({ status: "database unavailable" }, 503);
  });

  registerDocsRoutes(app, deps);
  registerSendPaymentRequestRoute(app, deps);
  registerAuditLogRoutes(app, deps);
  registerWebhookEndpointRoutes(app, deps);
  // An aggregator in upstream mode is not itself a platform: its platform is the v4 client.
  if (deps.core.deps.platform.kind === "embedded") registerUpstreamV4Routes(app, deps);
  registerPaymentPageRoutes(app, deps);
  registerProviderCallbackRoutes(app, deps);
  registerDealerRoutes(app, deps);
  registerOpsConsole(app, deps);
  mountTrpc(app, deps);

  app.notFound((c) => errorResponse(c, "NOT_FOUND"));
  app.onError((error, c) => {
    if (isStoreUnavailable(error)) {
      logger.warn("database unavailable", { requestId: c.get("requestId") });
      c.header("Retry-After", String(STORE_RETRY_AFTER_SECONDS));
      return errorResponse(c, "STORE_UNAVAILABLE");
    }
    logger.error("unhandled error", {
      requestId: c.get("requestId"),
      error: `${error.name}: ${error.message}`,
    });
    return errorResponse(c, "INTERNAL_SERVER_EXCEPTION");
  });
  return app;
};

export type App = ReturnType<typeof createApp>;
