import {
  DepartmentUuid,
  type ErrorEnvelope,
  errorItem,
  Scopes,
  SendPaymentRequestBody,
  type SendPaymentRequestResponse,
  toRequestErrors,
  type WarningItem,
  warningItem,
  withoutNullFields,
} from "@payreq/contracts";
import { type AuditTrail, type CallMeta, AuditTrail as Trail } from "../audit/audit-trail.ts";
import { holdsScope, type Principal } from "../auth/principal.ts";
import type { TimelineEntry } from "../db/schema.ts";
import { PayreqError } from "../errors.ts";
import { formatMoney, toCents } from "../money.ts";
import type { DeliveryRecord, InvoiceFields } from "../ports.ts";
import { deliver } from "./deliver.ts";
import { type CallDeps, recordCall } from "./record-call.ts";

export type SendResult =
  | { status: 200; body: SendPaymentRequestResponse; timeline: TimelineEntry[] }
  | {
      status: number;
      body: ErrorEnvelope;
      timeline: TimelineEntry[];
      retryAfterSeconds?: number | undefined;
    };

const invoiceFieldsOf = (body: SendPaymentRequestBody): InvoiceFields => ({
  amountCents: toCents(body.amount),
  description: body.description,
  refundedAmountCents: body.refundedAmount === undefined ? undefined : toCents(body.refundedAmount),
  paidDate: body.paidDate,
  signatureFileName: body.signatureFileName,
  reminderDate: body.reminderDate,
  reminderMileage: body.reminderMileage,
  fileName: body.fileName,
  paymentDeclines: body.paymentDeclines,
  invoiceAttributes: body.invoiceAttributes,
  attachInvoice: body.attachInvoice,
});

const invalid = (errors: ErrorEnvelope["errors"]) =>
  Object.assign(new PayreqError("INVALID_REQUEST_DATA"), { errors }) as PayreqError & {
    errors: ErrorEnvelope["errors"];
  };

/** Steps 1–3 in one unit, then delivery. Throws PayreqError for every refusal. */
const perform = async (
  deps: CallDeps,
  trail: AuditTrail,
  principal: Principal,
  departmentUuid: string,
  body: SendPaymentRequestBody,
  meta: CallMeta,
): Promise<{ response: SendPaymentRequestResponse; messages: DeliveryRecord[] }> => {
  if (!holdsScope(principal, Scopes.sendPaymentRequest, departmentUuid)) {
    throw new PayreqError("INVALID_SCOPE_DEPARTMENT", {
      description: `The credential does not hold ${Scopes.sendPaymentRequest} for this department.`,
    });
  }
  const { backend, notifier } = deps;
  const department = await trail.step("department", () => backend.getDepartment(departmentUuid));
  if (!department) throw new PayreqError("INVALID_DEPARTMENT_TOKEN");

  const fields = invoiceFieldsOf(body);
  const prepared = await backend.atomically(async () => {
    const resolved = await trail.step(
      "order",
      () =>
        backend.resolveOrder({
          department,
          dealerUuid: body.dealerUuid,
          orderUuid: body.orderUuid,
          orderNumber: body.orderNumber,
          orderType: body.orderType,
          customerUuid: body.customerUuid,
          associate: {
            uuid: body.dealerAssociateUuid,
            userUuid: body.dealerAssociateUserUuid,
            departmentUuid: body.dealerAssociateDepartmentUuid,
          },
          amountCents: fields.amountCents,
        }),
      (r) => `${r.created ? "created" : "reused"} ${r.order.uuid}`,
    );
    const ensured = await trail.step(
      "invoice",
      () => backend.ensureOpenInvoice(resolved.order, fields),
      (r) => `${r.created ? "created" : "reused"} ${r.invoice.uuid}`,
    );
    const paymentRequest = await trail.step(
      "payment-request",
      () =>
        backend.createPaymentRequest({
          invoice: ensured.invoice,
          flags: {
            attachInvoice: body.attachInvoice ?? false,
            esignRequired: body.esignInvoice ?? false,
            sendAsText: body.sendAsText ?? false,
            sendAsEmail: body.sendAsEmail ?? false,
          },
          requestId: meta.requestId,
        }),
      (r) => r.uuid,
    );
    return { resolved, ensured, paymentRequest };
  });
  const { resolved, ensured, paymentRequest } = prepared;
  trail.touched = {
    orderNumber: resolved.order.orderNumber,
    orderUuid: resolved.order.uuid,
    orderCreated: resolved.created,
    invoiceUuid: ensured.invoice.uuid,
    invoiceCreated: ensured.created,
    paymentRequestUuid: paymentRequest.uuid,
    customerUuid: resolved.customer.uuid,
  };

  const warnings: WarningItem[] = [];
  if (ensured.previousAmountCents !== undefined) {
    const from = formatMoney(ensured.previousAmountCents);
    const to = formatMoney(ensured.invoice.amountCents);
    warnings.push(
      warningItem("OPEN_INVOICE_AMOUNT_UPDATED", {
        message: `The open invoice's amount was updated from ${from} to ${to}`,
        description: `Invoice ${ensured.invoice.uuid} was reused and its amount changed from ${from} to ${to}; every earlier payment URL of this invoice now asks for ${to}.`,
      }),
    );
  }

  const delivery = await trail.step(
    "delivery",
    () =>
      deliver(notifier, {
        customer: resolved.customer,
        sendAsText: body.sendAsText ?? false,
        sendAsEmail: body.sendAsEmail ?? false,
        timeoutMs: deps.deliveryTimeoutMs,
        context: {
          dealerName: department.dealerName,
          orderType: resolved.order.orderType,
          orderNumber: resolved.order.orderNumber,
          amountCents: ensured.invoice.amountCents,
          description: body.description,
          customerFirstName: resolved.customer.firstName,
          customerHasEmail: Boolean(resolved.customer.email),
          paymentUrl: paymentRequest.paymentUrl,
          invoiceUrl: paymentRequest.invoiceUrl,
          attachInvoice: body.attachInvoice ?? false,
          esignRequired: body.esignInvoice ?? false,
        },
      }),
    (d) => `text=${d.text?.result ?? "-"} email=${d.email?.result ?? "-"}`,
  );
  for (const outcome of [delivery.text, delivery.email]) if (outcome?.warning) warnings.push(outcome.warning);

  const response: SendPaymentRequestResponse = {
    errors: [],
    warnings,
    paymentUrl: paymentRequest.paymentUrl,
    ...(delivery.text ? { textSent: delivery.text.result } : {}),
    ...(delivery.email ? { emailSent: delivery.email.result } : {}),
    orderUuid: resolved.order.uuid,
    invoiceUuid: ensured.invoice.uuid,
    paymentRequestUuid: paymentRequest.uuid,
    orderCreated: resolved.created,
    invoiceCreated: ensured.created,
    requestId: meta.requestId,
  };
  const messages = [delivery.text?.record, delivery.email?.record].filter(
    (r): r is DeliveryRecord => r !== undefined,
  );
  return { response, messages };
};

/**
 * Send Payment Request: validates the call, checks the scope and the department, performs the three steps and
 * the delivery, and writes one audit row whatever happens. Never throws for a refusal: the result carries the
 * HTTP status and the published body.
 */
export const sendPaymentRequest = async (
  deps: CallDeps,
  principal: Principal,
  departmentUuid: unknown,
  input: unknown,
  meta: CallMeta,
): Promise<SendResult> => {
  const trail = new Trail(deps.clock);
  const department = typeof departmentUuid === "string" ? departmentUuid : undefined;
  let outcome: { response: SendPaymentRequestResponse; messages: DeliveryRecord[] } | undefined;
  let failure: unknown;
  try {
    const path = DepartmentUuid.safeParse(departmentUuid);
    if (!path.success) throw invalid(toRequestErrors(path.error, ["departmentUuid"]));
    const body = SendPaymentRequestBody.safeParse(withoutNullFields(input));
    if (!body.success) throw invalid(toRequestErrors(body.error));
    outcome = await perform(deps, trail, principal, path.data, body.data, meta);
  } catch (error) {
    failure = error;
  }

  if (outcome) {
    const { response, messages } = outcome;
    const paymentRequestUuid = response.paymentRequestUuid;
    await recordCall(
      deps,
      {
        meta,
        username: principal.username,
        departmentUuid: department,
        status: 200,
        response,
        requestBody: input,
        trail,
      },
      () =>
        deps.backend.recordDelivery({
          paymentRequestUuid,
          textResult: response.textSent,
          emailResult: response.emailSent,
          messages,
        }),
    );
    return { status: 200, body: response, timeline: trail.timeline };
  }

  const { status, envelope, retryAfterSeconds } = toFailure(deps, failure, meta);
  await recordCall(deps, {
    meta,
    username: principal.username,
    departmentUuid: department,
    status,
    response: envelope,
    requestBody: input,
    trail,
  });
  return { status, body: envelope, timeline: trail.timeline, retryAfterSeconds };
};

const isBusy = (error: unknown) => String((error as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY");

/** Maps any failure to a status and the envelope; unexpected ones are logged and never leak their message. */
export const toFailure = (
  deps: Pick<CallDeps, "logger">,
  error: unknown,
  meta: CallMeta,
): { status: number; envelope: ErrorEnvelope; retryAfterSeconds?: number | undefined } => {
  if (error instanceof PayreqError) {
    const errors = (error as PayreqError & { errors?: ErrorEnvelope["errors"] }).errors ?? [error.item];
    return {
      status: error.status,
      envelope: { errors, warnings: [] },
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (isBusy(error)) {
    deps.logger.warn("database busy", { requestId: meta.requestId });
    return {
      status: 503,
      envelope: { errors: [errorItem("SERVICE_BUSY")], warnings: [] },
      retryAfterSeconds: 1,
    };
  }
  deps.logger.error("unexpected error", {
    requestId: meta.requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return { status: 500, envelope: { errors: [errorItem("INTERNAL_SERVER_EXCEPTION")], warnings: [] } };
};
