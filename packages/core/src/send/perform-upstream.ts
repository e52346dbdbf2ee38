import type { SendPaymentRequestBody, SendPaymentRequestResponse } from "@payreq/contracts";
import type { AuditTrail } from "../audit/audit-trail.ts";
import type { Department, RemoteDeliveryBackend } from "../ports.ts";
import type { Claim } from "./idempotency.ts";
import { invoiceFieldsOf, orderRequestOf } from "./prepare.ts";
import type { CallDeps } from "./record-call.ts";
import { amountWarning } from "./response.ts";

/** What the upstream steps produced so far: a recovery point per completed step. */
type Progress = {
  order?: { uuid: string; orderType: string; orderNumber: string; customerUuid: string; created: boolean };
  invoice?: {
    uuid: string;
    departmentUuid: string;
    orderUuid: string;
    amountCents: number;
    created: boolean;
    previousAmountCents?: number | undefined;
  };
};

/**
 * Upstream mode: the order, the invoice, then the payment request, which the platform creates and delivers. Each
 * completed step is recorded against a keyed call before the next starts, so a retry resumes after it; the order
 * and invoice calls find before they create, and the payment request call carries the call's own upstream key,
 * so a step whose outcome was unknown is looked up upstream (the platform replays it), never done twice.
 */
export const performUpstream = async (
  deps: CallDeps,
  backend: RemoteDeliveryBackend,
  trail: AuditTrail,
  call: { department: Department; body: SendPaymentRequestBody; upstreamKey: string },
  requestId: string,
  claim: Extract<Claim, { kind: "fresh" | "resume" }> | undefined,
): Promise<SendPaymentRequestResponse> => {
  const { idempotency } = deps;
  const { body, department } = call;
  const progress: Progress = claim?.kind === "resume" ? ((claim.prepared as Progress | null) ?? {}) : {};
  if (claim?.kind === "resume") {
    trail.note("resume", "ok", `from ${claim.recoveryPoint} of request ${claim.firstRequestId}`);
  }
  const fields = invoiceFieldsOf(body);

  if (!progress.order) {
    const resolved = await trail.step("order", () => backend.resolveOrder(orderRequestOf(department, body)));
    const { uuid, orderType, orderNumber, customerUuid } = resolved.order;
    progress.order = { uuid, orderType, orderNumber, customerUuid, created: resolved.created };
    if (claim) await idempotency.markProgress(claim.id, "order", progress);
  }
  const order = progress.order;

  if (!progress.invoice) {
    const ensured = await trail.step("invoice", () =>
      backend.ensureOpenInvoice(
        {
          ...order,
          departmentUuid: department.uuid,
          dealerAssociateUuid: null,
          amountCents: fields.amountCents,
          status: "OPEN",
        },
        fields,
      ),
    );
    const { uuid, departmentUuid, orderUuid, amountCents } = ensured.invoice;
    progress.invoice = {
      uuid,
      departmentUuid,
      orderUuid,
      amountCents,
      created: ensured.created,
      previousAmountCents: ensured.previousAmountCents,
    };
    if (claim) await idempotency.markProgress(claim.id, "invoice", progress);
  }
  const invoice = progress.invoice;
  trail.touched = {
    orderNumber: order.orderNumber,
    orderUuid: order.uuid,
    orderCreated: order.created,
    invoiceUuid: invoice.uuid,
    invoiceCreated: invoice.created,
    customerUuid: order.customerUuid,
  };

  const sent = await trail.step(
    "payment-request",
    () =>
      backend.sendRemotely({
        invoice: { ...invoice, status: "OPEN", fileName: fields.fileName ?? null },
        body,
        idempotencyKey: call.upstreamKey,
      }),
    (r) => `${r.paymentRequest.uuid} text=${r.textSent ?? "-"} email=${r.emailSent ?? "-"}`,
  );
  trail.touched.paymentRequestUuid = sent.paymentRequest.uuid;
  return {
    errors: [],
    warnings: [
      ...amountWarning(invoice.previousAmountCents, invoice.amountCents, invoice.uuid),
      ...sent.warnings,
    ],
    paymentUrl: sent.paymentRequest.paymentUrl,
    ...(body.sendAsText ? { textSent: sent.textSent ?? "FAILURE" } : {}),
    ...(body.sendAsEmail ? { emailSent: sent.emailSent ?? "FAILURE" } : {}),
    orderUuid: order.uuid,
    invoiceUuid: invoice.uuid,
    paymentRequestUuid: sent.paymentRequest.uuid,
    orderCreated: order.created,
    invoiceCreated: invoice.created,
    requestId,
  };
};
