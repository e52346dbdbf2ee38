import { createHash, randomUUID } from "node:crypto";
import type { SendPaymentRequestBody } from "@payreq/contracts";
import type { AuditTrail } from "../../domain/call.ts";
import type { Department } from "../../domain/dealer.ts";
import { invoiceFieldsOf, orderRequestOf } from "../../domain/request-fields.ts";
import type { Clock } from "../../ports/clock.ts";
import { type Metrics, noMetrics } from "../../ports/metrics.ts";
import type { Checkpoint, PaymentsPlatform, PrepareInput, PrepareResult } from "../../ports/platform.ts";
import type { BreakerState } from "./circuit-breaker.ts";
import { createV4Client, type UpstreamSettings, type V4Client } from "./v4-client.ts";

/** What the upstream steps made so far: a recovery point per completed step. */
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
 * The key the payment request call carries: the same keyed call always sends the same one, and other callers'
 * keys cannot collide with it; a call without a key gets a fresh one, so the platform's replay still covers the
 * client's own retries of the HTTP call.
 */
const upstreamKeyOf = (key: PrepareInput["key"]) =>
  key ? createHash("sha256").update(`${key.userId}\0${key.key}`).digest("base64url") : randomUUID();

/**
 * The order, the invoice, then the payment request, which the platform creates and delivers. Each completed step
 * is checkpointed for a keyed call before the next starts, so a retry resumes after it; the order and invoice
 * calls find before they create, and the payment request call carries the call's upstream key, so a step whose
 * outcome was unknown is looked up upstream (the platform replays it), never done twice.
 */
const prepareUpstream = async (
  client: V4Client,
  { department, target, key }: PrepareInput & { target: { kind: "order"; body: SendPaymentRequestBody } },
  trail: AuditTrail,
  checkpoint: Checkpoint,
): Promise<PrepareResult> => {
  const { body } = target;
  const progress: Progress = (key?.progress as Progress | null) ?? {};
  const fields = invoiceFieldsOf(body);

  if (!progress.order) {
    const resolved = await trail.step("order", () => client.resolveOrder(orderRequestOf(department, body)));
    const { uuid, orderType, orderNumber, customerUuid } = resolved.order;
    progress.order = { uuid, orderType, orderNumber, customerUuid, created: resolved.created };
    if (key) await checkpoint("order", progress);
  }
  const order = progress.order;

  if (!progress.invoice) {
    const ensured = await trail.step("invoice", () =>
      client.ensureOpenInvoice(
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
    if (key) await checkpoint("invoice", progress);
  }
  const invoice = progress.invoice;
  // What the audit row names if the payment request step fails.
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
      client.sendPaymentRequest({
        invoice,
        flags: {
          attachInvoice: body.attachInvoice ?? false,
          sendAsText: body.sendAsText ?? false,
          sendAsEmail: body.sendAsEmail ?? false,
          esignRequired: body.esignInvoice ?? false,
        },
        idempotencyKey: upstreamKeyOf(key),
      }),
    (r) => `${r.paymentRequest.uuid} text=${r.textSent ?? "-"} email=${r.emailSent ?? "-"}`,
  );
  return {
    prepared: {
      department,
      order: {
        uuid: order.uuid,
        orderType: order.orderType,
        orderNumber: order.orderNumber,
        created: order.created,
      },
      invoice: {
        uuid: invoice.uuid,
        amountCents: invoice.amountCents,
        created: invoice.created,
        previousAmountCents: invoice.previousAmountCents,
      },
      paymentRequest: sent.paymentRequest,
      // The platform delivers in this mode; the aggregator knows the customer by id only.
      customer: {
        uuid: order.customerUuid,
        dealerUuid: department.dealerUuid,
        firstName: "",
        lastName: "",
        phone: null,
        email: null,
        textOptIn: false,
      },
    },
    delivered: {
      text: body.sendAsText ? { result: sent.textSent ?? "FAILURE" } : undefined,
      email: body.sendAsEmail ? { result: sent.emailSent ?? "FAILURE" } : undefined,
      warnings: sent.warnings,
    },
  };
};

/**
 * A payments platform's v4 endpoints as this service's platform (upstream mode): the steps run there, and its
 * payment request step delivers too. Only the aggregator's call runs here: an aggregator serves no v4 endpoint.
 */
export const createUpstreamPlatform = (
  settings: UpstreamSettings,
  clock: Clock,
  metrics: Metrics = noMetrics,
): PaymentsPlatform & { circuitState(): BreakerState } => {
  const client = createV4Client(settings, clock, metrics);
  return {
    kind: "upstream",
    circuitState: client.circuitState,
    getDepartment: (departmentUuid: string): Promise<Department | undefined> =>
      client.getDepartment(departmentUuid),
    prepare: (input, trail, checkpoint) => {
      if (input.target.kind !== "order") {
        throw new Error("an upstream platform prepares calls from their order fields only");
      }
      return prepareUpstream(client, { ...input, target: input.target }, trail, checkpoint);
    },
  };
};
