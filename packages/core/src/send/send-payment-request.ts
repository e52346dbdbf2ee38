import { Scopes, SendPaymentRequestBody, type SendPaymentRequestResponse } from "@payreq/contracts";
import type { Principal } from "../auth/principal.ts";
import type { CallMeta } from "../domain/call.ts";
import type { CallDeps } from "./call-deps.ts";
import { type SendResult as PipelineResult, runSendPipeline, type SendEndpoint } from "./pipeline.ts";

export type SendResult = PipelineResult<SendPaymentRequestResponse>;

/** The published endpoint: steps 1–3 from the body's order fields, the published answer. */
const SEND_PAYMENT_REQUEST: SendEndpoint<SendPaymentRequestBody, "aggregator"> = {
  body: SendPaymentRequestBody,
  scope: Scopes.sendPaymentRequest,
  answer: "aggregator",
  namesOf: (body) => ({ orderNumber: body.orderNumber, customerUuid: body.customerUuid }),
  target: (body) => ({ kind: "order", body }),
  delivery: (body) => ({
    sendAsText: body.sendAsText ?? false,
    sendAsEmail: body.sendAsEmail ?? false,
    description: body.description,
    attachInvoice: body.attachInvoice ?? false,
    esignRequired: body.esignInvoice ?? false,
  }),
};

/**
 * Send Payment Request: validates the call, checks the scope and the department, claims the idempotency key,
 * performs the three steps and the delivery (resuming a claimed key from its recovery point), and writes one
 * audit row whatever happens (see pipeline.ts). Never throws for a refusal.
 */
export const sendPaymentRequest = (
  deps: CallDeps,
  principal: Principal,
  departmentUuid: unknown,
  input: unknown,
  meta: CallMeta,
): Promise<SendResult> => runSendPipeline(deps, SEND_PAYMENT_REQUEST, principal, departmentUuid, input, meta);
