import {
  ERRORS,
  type ErrorItem,
  errorNameOf,
  UpstreamDepartmentResponse,
  UpstreamInvoiceResponse,
  UpstreamOrderResponse,
  UpstreamPaymentRequestResponse,
} from "@payreq/contracts";
import { Agent, fetch as undiciFetch } from "undici";
import type * as z from "zod";
import type { Department } from "../../domain/dealer.ts";
import { PayreqError } from "../../domain/errors.ts";
import type { EnsuredInvoice, Invoice, InvoiceFields } from "../../domain/invoice.ts";
import { fromCents } from "../../domain/money.ts";
import type { Order, OrderRequest, ResolvedOrder } from "../../domain/order.ts";
import type { PaymentRequestFlags } from "../../domain/payment-request.ts";
import type { Clock } from "../../ports/clock.ts";
import { type Metrics, noMetrics } from "../../ports/metrics.ts";
import { type BreakerState, createCircuitBreaker } from "./circuit-breaker.ts";

export type UpstreamSettings = {
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
  retries?: number;
  breakerThreshold?: number;
  breakerCoolDownMs?: number;
};

class RetryableFailure extends Error {
  constructor(readonly error: PayreqError) {
    super(error.message);
  }
}

/**
 * The payments platform's v4 endpoints over HTTP: keep-alive connections, a timeout per call, retries with backoff and jitter
 * (every call it makes is safe to repeat: the order and invoice calls find before they create, and the payment
 * request call carries an Idempotency-Key), and a circuit breaker so a dead upstream fails fast. Refusals the
 * platform explains with a catalog code pass through as that error; anything else is 502/504 naming the step.
 */
export const createV4Client = (settings: UpstreamSettings, clock: Clock, metrics: Metrics = noMetrics) => {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString("base64")}`;
  const breaker = createCircuitBreaker({
    threshold: settings.breakerThreshold ?? 5,
    coolDownMs: settings.breakerCoolDownMs ?? 10_000,
    now: () => clock.now(),
  });
  const base = settings.baseUrl.replace(/\/+$/, "");

  const attempt = async <S extends z.ZodType>(
    step: string,
    method: "GET" | "POST",
    path: string,
    schema: S,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<z.infer<S>> => {
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    let text: string;
    try {
      response = await undiciFetch(`${base}${path}`, {
        method,
        dispatcher: agent,
        headers: {
          Authorization: authorization,
          Accept: "application/json",
          "Content-Type": "application/json",
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      // The error's own message can quote the URL; only its code is passed on.
      const code = (error as { cause?: { code?: unknown } }).cause?.code ?? (error as Error).name;
      throw new RetryableFailure(
        new PayreqError(timedOut ? "UPSTREAM_TIMEOUT" : "UPSTREAM_UNAVAILABLE", {
          description: `The ${step} step ${timedOut ? `got no answer within ${settings.timeoutMs} ms` : `could not reach the payments platform (${String(code)})`}.`,
        }),
      );
    }
    let json: { errors?: ErrorItem[] } | undefined;
    try {
      json = JSON.parse(text) as { errors?: ErrorItem[] };
    } catch {
      json = undefined;
    }
    const errors = Array.isArray(json?.errors) ? json.errors : [];
    if (response.status >= 500 || !json) {
      throw new RetryableFailure(
        new PayreqError("UPSTREAM_UNAVAILABLE", {
          description: `The ${step} step failed with ${response.status}${errors.length ? `: ${JSON.stringify(errors)}` : ""}.`,
        }),
      );
    }
    if (response.status >= 400 || errors.length > 0) {
      const first = errors[0];
      const name = first ? errorNameOf(first.errorCode) : undefined;
      const status = name ? ERRORS[name].status : 0;
      // The platform's own refusal of the request (a missing order, a wrong customer): the caller's to fix.
      if (first && name && status >= 400 && status < 500 && status !== 401 && status !== 403) {
        throw new PayreqError(name, { message: first.errorMessage, description: first.errorDescription });
      }
      throw new PayreqError("UPSTREAM_REJECTED", {
        description: `The ${step} step was refused with ${response.status}: ${JSON.stringify(errors)}`,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new PayreqError("UPSTREAM_REJECTED", {
        description: `The ${step} step answered in an unexpected shape.`,
      });
    }
    return parsed.data;
  };

  const call = async <S extends z.ZodType>(
    step: string,
    method: "GET" | "POST",
    path: string,
    schema: S,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<z.infer<S>> => {
    const retries = settings.retries ?? 2;
    for (let tryNumber = 0; ; tryNumber++) {
      if (!breaker.allow()) {
        metrics.upstreamAttempt(step, "circuit_open", 0);
        throw new PayreqError("UPSTREAM_CIRCUIT_OPEN", {
          description: `The ${step} step was not attempted: recent calls to the payments platform failed.`,
          retryAfterSeconds: Math.ceil((settings.breakerCoolDownMs ?? 10_000) / 1000),
        });
      }
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await attempt(step, method, path, schema, body, headers);
        breaker.succeeded();
        metrics.upstreamAttempt(step, "ok", seconds());
        return result;
      } catch (error) {
        if (!(error instanceof RetryableFailure)) {
          breaker.succeeded();
          // The platform answered: with a refusal of the caller's request, or one this service cannot use (502).
          const unusable = error instanceof PayreqError && error.errorName === "UPSTREAM_REJECTED";
          metrics.upstreamAttempt(step, unusable ? "rejected" : "refused", seconds());
          throw error;
        }
        breaker.failed();
        const timedOut = error.error.errorName === "UPSTREAM_TIMEOUT";
        metrics.upstreamAttempt(step, timedOut ? "timeout" : "failed", seconds());
        if (tryNumber >= retries) throw error.error;
        metrics.upstreamRetry(step);
        const backoff = 100 * 2 ** tryNumber;
        await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * backoff));
      }
    }
  };

  const dept = (uuid: string) => `/payment/v4/departments/${encodeURIComponent(uuid)}`;

  return {
    circuitState: (): BreakerState => breaker.state(),

    async getDepartment(departmentUuid: string): Promise<Department | undefined> {
      try {
        const { department } = await call(
          "department",
          "GET",
          dept(departmentUuid),
          UpstreamDepartmentResponse,
        );
        return {
          uuid: department.departmentUuid,
          name: department.name,
          dealerUuid: department.dealerUuid,
          dealerName: department.dealerName,
        } satisfies Department;
      } catch (error) {
        if (error instanceof PayreqError && error.item.errorCode === 100013) return undefined;
        throw error;
      }
    },

    async resolveOrder(request: OrderRequest): Promise<ResolvedOrder> {
      const { dealerOrder, created } = await call(
        "order",
        "POST",
        `${dept(request.department.uuid)}/dealer-orders`,
        UpstreamOrderResponse,
        {
          orderUuid: request.orderUuid,
          orderNumber: request.orderNumber,
          orderType: request.orderType,
          customerUuid: request.customerUuid,
          dealerUuid: request.dealerUuid,
          dealerAssociateUuid: request.associate.uuid,
          dealerAssociateUserUuid: request.associate.userUuid,
          dealerAssociateDepartmentUuid: request.associate.departmentUuid,
          amount: fromCents(request.amountCents),
        },
      );
      return {
        order: {
          uuid: dealerOrder.dealerOrderUuid,
          departmentUuid: dealerOrder.departmentUuid,
          orderType: dealerOrder.orderType,
          orderNumber: dealerOrder.orderNumber,
          customerUuid: dealerOrder.customerUuid,
          dealerAssociateUuid: null,
          amountCents: Math.round(dealerOrder.amount * 100),
          status: dealerOrder.orderStatus === "CLOSED" ? "CLOSED" : "OPEN",
        },
        // The platform delivers in this mode; the aggregator needs the customer's id only.
        customer: {
          uuid: dealerOrder.customerUuid,
          dealerUuid: request.department.dealerUuid,
          firstName: "",
          lastName: "",
          phone: null,
          email: null,
          textOptIn: false,
        },
        created,
      };
    },

    async ensureOpenInvoice(order: Order, fields: InvoiceFields): Promise<EnsuredInvoice> {
      const { invoice, created, previousAmount } = await call(
        "invoice",
        "POST",
        `${dept(order.departmentUuid)}/invoices`,
        UpstreamInvoiceResponse,
        {
          amount: fromCents(fields.amountCents),
          description: fields.description,
          refundedAmount:
            fields.refundedAmountCents === undefined ? undefined : fromCents(fields.refundedAmountCents),
          paidDate: fields.paidDate,
          signatureFileName: fields.signatureFileName,
          reminderDate: fields.reminderDate,
          reminderMileage: fields.reminderMileage,
          fileName: fields.fileName,
          paymentDeclines: fields.paymentDeclines,
          invoiceAttributes: fields.invoiceAttributes,
          attachInvoice: fields.attachInvoice,
          orderUuid: order.uuid,
        },
      );
      return {
        invoice: {
          uuid: invoice.guid,
          orderUuid: invoice.paymentDealerOrder.dealerOrderUuid,
          departmentUuid: invoice.paymentDealerOrder.departmentUuid,
          status: invoice.invoiceStatus,
          amountCents: Math.round(invoice.amount * 100),
          fileName: fields.fileName ?? null,
        },
        created,
        previousAmountCents: previousAmount === undefined ? undefined : Math.round(previousAmount * 100),
      };
    },

    /** Creates the payment request for the invoice and delivers it; the key makes the platform replay a repeat. */
    async sendPaymentRequest({
      invoice,
      flags,
      idempotencyKey,
    }: {
      invoice: Pick<Invoice, "uuid" | "departmentUuid">;
      flags: PaymentRequestFlags;
      idempotencyKey: string;
    }) {
      const result = await call(
        "payment-request",
        "POST",
        `${dept(invoice.departmentUuid)}/payment-requests`,
        UpstreamPaymentRequestResponse,
        { invoiceGuid: invoice.uuid, ...flags },
        { "Idempotency-Key": idempotencyKey },
      );
      return {
        paymentRequest: {
          uuid: result.paymentRequestGuid,
          invoiceUuid: invoice.uuid,
          paymentUrl: result.paymentLink,
          invoiceUrl: result.invoiceLink,
          expiresAt: 0,
        },
        textSent: result.textSent,
        emailSent: result.emailSent,
        warnings: result.warnings,
      };
    },
  };
};

export type V4Client = ReturnType<typeof createV4Client>;
