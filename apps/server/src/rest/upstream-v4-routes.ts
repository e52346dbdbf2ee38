import { createUpstreamApi, type V4Result } from "@payreq/core";
import type { Context, Hono } from "hono";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticate } from "../http/authenticate.ts";
import { limitBody, readJsonBody, requireJson } from "../http/body.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { envelopeResponse } from "../http/envelope.ts";

const BASE = "/payment/v4/departments/:departmentUuid";

/**
 * The platform's v4 endpoints, served by the embedded backend, so that an aggregator in upstream mode can run
 * against this service in a second process. Every call is audited, like the aggregator's.
 */
export const registerUpstreamV4Routes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const api = createUpstreamApi({
    ...deps.core.deps,
    ids: deps.core.ids,
    paymentUrls: deps.core.paymentUrls,
  });
  const callOf = (c: Context<AppEnv>) => ({
    principal: c.get("principal"),
    departmentUuid: c.req.param("departmentUuid"),
    requestId: c.get("requestId"),
  });
  const respond = <T>(c: Context<AppEnv>, result: V4Result<T>) => {
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    return envelopeResponse(c, result.status, result.body, result.retryAfterSeconds);
  };
  const post = (
    path: string,
    operation: string,
    handle: (c: Context<AppEnv>, body: unknown) => Promise<V4Result<unknown>>,
  ) => {
    app.use(
      `${BASE}${path}`,
      auditCalls(deps, "upstream-api", () => operation),
      limitBody(),
    );
    app.post(`${BASE}${path}`, authenticate(deps), requireJson(), async (c) => {
      const body = await readJsonBody(c);
      if (!body.ok) return body.response;
      c.get("call").requestBody = body.value;
      return respond(c, await handle(c, body.value));
    });
  };

  app.use(
    BASE,
    auditCalls(deps, "upstream-api", () => "v4.department"),
  );
  app.get(BASE, authenticate(deps), async (c) => respond(c, await api.getDepartment(callOf(c))));
  post("/dealer-orders", "v4.dealer-orders", (c, body) => api.resolveOrder(callOf(c), body));
  post("/invoices", "v4.invoices", (c, body) => api.ensureInvoice(callOf(c), body));
  post("/payment-requests", "v4.payment-requests", (c, body) =>
    api.sendPaymentRequest(callOf(c), body, c.req.header("idempotency-key")),
  );
};
