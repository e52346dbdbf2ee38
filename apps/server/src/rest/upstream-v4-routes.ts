import { createUpstreamApi, sendForInvoice, type V4Result } from "@payreq/core";
import type { Context, Hono } from "hono";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticate } from "../http/authenticate.ts";
import { limitBody, readJsonBody, requireJson } from "../http/body.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { envelopeResponse } from "../http/envelope.ts";

const BASE = "/payment/v4/departments/:departmentUuid";

type Handler = (c: Context<AppEnv>, body: unknown) => Promise<V4Result<unknown>>;

/**
 * The platform's v4 endpoints, served by the embedded platform, so that an aggregator in upstream mode can run
 * against this service in a second process. Every call is audited, like the aggregator's.
 */
export const registerUpstreamV4Routes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const api = createUpstreamApi(deps.core.deps);
  const callOf = (c: Context<AppEnv>) => ({
    principal: c.get("principal"),
    departmentUuid: c.req.param("departmentUuid"),
    requestId: c.get("requestId"),
  });
  const respond = (c: Context<AppEnv>, result: V4Result<unknown>) => {
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    return envelopeResponse(c, result.status, result.body, result.retryAfterSeconds);
  };

  // One audit middleware per path, naming the operation by method: every call gets exactly one row.
  const operations = new Map<string, Record<string, string>>();
  /** A POST carries a JSON body unless `bodiless` (an action on the resource in the path, such as void). */
  const route = (
    method: "GET" | "POST",
    path: string,
    operation: string,
    handle: Handler,
    { bodiless = false } = {},
  ) => {
    const full = `${BASE}${path}`;
    const byMethod = operations.get(full);
    if (byMethod) byMethod[method] = operation;
    else {
      operations.set(full, { [method]: operation });
      app.use(
        full,
        auditCalls(deps, "upstream-api", (c) => operations.get(full)?.[c.req.method] ?? "v4"),
        limitBody(),
      );
    }
    if (method === "GET")
      app.get(full, authenticate(deps), async (c) => respond(c, await handle(c, undefined)));
    else if (bodiless)
      app.post(full, authenticate(deps), async (c) => respond(c, await handle(c, undefined)));
    else {
      app.post(full, authenticate(deps), requireJson(), async (c) => {
        const body = await readJsonBody(c);
        if (!body.ok) return body.response;
        c.get("call").requestBody = body.value;
        return respond(c, await handle(c, body.value));
      });
    }
  };

  route("GET", "", "v4.department", (c) => api.getDepartment(callOf(c)));
  route("GET", "/dealer-orders", "v4.dealer-orders.find", (c) =>
    api.read(callOf(c), {
      kind: "order-by-number",
      orderType: c.req.query("orderType") ?? "",
      orderNumber: c.req.query("orderNumber") ?? "",
    }),
  );
  route("POST", "/dealer-orders", "v4.dealer-orders", (c, body) => api.resolveOrder(callOf(c), body));
  route("GET", "/dealer-orders/:orderUuid", "v4.dealer-orders.get", (c) =>
    api.read(callOf(c), { kind: "order", orderUuid: c.req.param("orderUuid") ?? "" }),
  );
  route("GET", "/dealer-orders/:orderUuid/open-invoice", "v4.dealer-orders.open-invoice", (c) =>
    api.read(callOf(c), { kind: "open-invoice", orderUuid: c.req.param("orderUuid") ?? "" }),
  );
  route("POST", "/invoices", "v4.invoices", (c, body) => api.ensureInvoice(callOf(c), body));
  route("GET", "/invoices/:invoiceGuid", "v4.invoices.get", (c) =>
    api.read(callOf(c), { kind: "invoice", invoiceGuid: c.req.param("invoiceGuid") ?? "" }),
  );
  route("POST", "/invoices/:invoiceGuid/payment", "v4.invoices.payment", (c, body) =>
    api.recordPayment(callOf(c), c.req.param("invoiceGuid") ?? "", body),
  );
  route(
    "POST",
    "/invoices/:invoiceGuid/void",
    "v4.invoices.void",
    (c) => api.voidInvoice(callOf(c), c.req.param("invoiceGuid") ?? ""),
    { bodiless: true },
  );
  // Through the one send pipeline, which writes the call's audit row itself (with its steps).
  route("POST", "/payment-requests", "v4.payment-requests", async (c, body) => {
    const call = c.get("call");
    call.meta.idempotencyKey = c.req.header("idempotency-key");
    const result = await sendForInvoice(
      deps.core.deps,
      c.get("principal"),
      c.req.param("departmentUuid"),
      body,
      call.meta,
    );
    call.audited = true;
    return {
      ...result,
      retryAfterSeconds: "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined,
    };
  });
};
