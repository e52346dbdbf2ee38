import { Scopes, UpstreamPaymentRequestBody, type UpstreamPaymentRequestResponse } from "@payreq/contracts";
import type { Principal } from "../auth/principal.ts";
import type { CallMeta } from "../domain/call.ts";
import type { CallDeps } from "../send/call-deps.ts";
import { runSendPipeline, type SendEndpoint, type SendResult } from "../send/pipeline.ts";

const flagsOf = (body: UpstreamPaymentRequestBody) => ({
  attachInvoice: body.attachInvoice ?? false,
  esignRequired: body.esignRequired ?? false,
  sendAsText: body.sendAsText ?? false,
  sendAsEmail: body.sendAsEmail ?? false,
});

/** The platform's v4 Send Payment Request: step 3 alone, for an open invoice of the department, and step 4. */
const SEND_FOR_INVOICE: SendEndpoint<UpstreamPaymentRequestBody, "v4"> = {
  body: UpstreamPaymentRequestBody,
  scope: Scopes.paymentRequestWrite,
  answer: "v4",
  namesOf: (body) => ({ invoiceUuid: body.invoiceGuid }),
  target: (body) => ({ kind: "invoice", invoiceUuid: body.invoiceGuid, flags: flagsOf(body) }),
  delivery: flagsOf,
};

/**
 * `POST /payment/v4/departments/{d}/payment-requests` as the embedded platform serves it: the one send pipeline
 * (pipeline.ts), so an Idempotency-Key replays the first answer and never sends a message twice, with the same
 * key rules and audit row as Send Payment Request.
 */
export const sendForInvoice = (
  deps: CallDeps,
  principal: Principal,
  departmentUuid: unknown,
  input: unknown,
  meta: CallMeta,
): Promise<SendResult<UpstreamPaymentRequestResponse>> =>
  runSendPipeline(deps, SEND_FOR_INVOICE, principal, departmentUuid, input, meta);
