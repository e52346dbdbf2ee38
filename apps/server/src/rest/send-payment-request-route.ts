import type { Hono } from "hono";
import { auditCalls } from "../http/audit-calls.ts";
import { authenticate } from "../http/authenticate.ts";
import { limitBody, readJsonBody, requireJson } from "../http/body.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { envelopeResponse, errorResponse } from "../http/envelope.ts";
import { sendObserved } from "../observability/observed-send.ts";

export const SEND_PATH = "/payment/aggregator/v1/departments/:departmentUuid/payment-requests";

/** The published endpoint: a thin adapter over core's sendPaymentRequest. */
export const registerSendPaymentRequestRoute = (app: Hono<AppEnv>, deps: AppDeps) => {
  app.use(
    SEND_PATH,
    auditCalls(deps, "rest", () => "payment-requests.send"),
    limitBody(),
  );
  app.post(SEND_PATH, authenticate(deps), requireJson(), async (c) => {
    const body = await readJsonBody(c);
    if (!body.ok) return body.response;
    const call = c.get("call");
    call.requestBody = body.value;
    call.meta.idempotencyKey = c.req.header("idempotency-key");
    const result = await sendObserved(
      deps,
      c.get("principal"),
      c.req.param("departmentUuid"),
      body.value,
      call.meta,
    );
    call.audited = true;
    if (result.replayed) c.header("Idempotent-Replayed", "true");
    return envelopeResponse(
      c,
      result.status,
      result.body,
      "retryAfterSeconds" in result ? result.retryAfterSeconds : undefined,
    );
  });
  app.all(SEND_PATH, (c) => {
    c.header("Allow", "POST");
    return errorResponse(c, "METHOD_NOT_ALLOWED");
  });
};
