import type { ManageResult } from "@payreq/core";
import type { Context, Hono } from "hono";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticate } from "../http/authenticate.ts";
import { limitBody, readJsonBody, requireJson } from "../http/body.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { envelopeResponse } from "../http/envelope.ts";

export const WEBHOOK_ENDPOINTS_PATH = "/payment/aggregator/v1/departments/:departmentUuid/webhook-endpoints";

type Handler = (c: Context<AppEnv>, body: unknown) => Promise<ManageResult<unknown>>;

/**
 * The department's webhook endpoints (scope payment.webhooks.manage): register, list, show, disable, enable,
 * remove, rotate the secret, read deliveries and replay them. Every call is audited; a secret in an answer is
 * never written to the audit log.
 */
export const registerWebhookEndpointRoutes = (app: Hono<AppEnv>, deps: AppDeps) => {
  const api = deps.core.webhooks;
  const callOf = (c: Context<AppEnv>) => ({
    principal: c.get("principal"),
    departmentUuid: c.req.param("departmentUuid"),
    requestId: c.get("requestId"),
  });
  const respond = (c: Context<AppEnv>, result: ManageResult<unknown>) =>
    envelopeResponse(
      c,
      result.status,
      result.body,
      "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined,
    );

  const operations = new Map<string, Record<string, string>>();
  const route = (
    method: "GET" | "POST" | "DELETE",
    path: string,
    operation: string,
    handle: Handler,
    { body = false } = {},
  ) => {
    const full = `${WEBHOOK_ENDPOINTS_PATH}${path}`;
    const byMethod = operations.get(full);
    if (byMethod) byMethod[method] = operation;
    else {
      operations.set(full, { [method]: operation });
      app.use(
        full,
        auditCalls(deps, "rest", (c) => operations.get(full)?.[c.req.method] ?? "webhooks"),
        limitBody(),
      );
    }
    const on =
      method === "GET" ? app.get.bind(app) : method === "POST" ? app.post.bind(app) : app.delete.bind(app);
    if (!body) {
      on(full, authenticate(deps), async (c) => respond(c, await handle(c, undefined)));
      return;
    }
    on(full, authenticate(deps), requireJson(), async (c) => {
      const parsed = await readJsonBody(c);
      if (!parsed.ok) return parsed.response;
      c.get("call").requestBody = parsed.value;
      return respond(c, await handle(c, parsed.value));
    });
  };

  route("GET", "", "webhooks.list", (c) => api.list(callOf(c)));
  route("POST", "", "webhooks.create", (c, input) => api.create(callOf(c), input), { body: true });
  route("GET", "/:endpointId", "webhooks.show", (c) => api.show(callOf(c), c.req.param("endpointId")));
  route("DELETE", "/:endpointId", "webhooks.remove", (c) => api.remove(callOf(c), c.req.param("endpointId")));
  route("POST", "/:endpointId/disable", "webhooks.disable", (c) =>
    api.setEnabled(callOf(c), c.req.param("endpointId"), false),
  );
  route("POST", "/:endpointId/enable", "webhooks.enable", (c) =>
    api.setEnabled(callOf(c), c.req.param("endpointId"), true),
  );
  route("POST", "/:endpointId/rotate-secret", "webhooks.rotate-secret", (c) =>
    api.rotateSecret(callOf(c), c.req.param("endpointId")),
  );
  route("GET", "/:endpointId/deliveries", "webhooks.deliveries", (c) =>
    api.deliveries(callOf(c), c.req.param("endpointId"), c.req.query()),
  );
  route("POST", "/:endpointId/deliveries/:deliveryId/replay", "webhooks.replay", (c) =>
    api.replayDelivery(callOf(c), c.req.param("endpointId"), c.req.param("deliveryId")),
  );
  route(
    "POST",
    "/:endpointId/replay",
    "webhooks.replay",
    (c, input) => api.replaySince(callOf(c), c.req.param("endpointId"), input),
    { body: true },
  );
};
