import {
  DepartmentUuid,
  type ErrorEnvelope,
  IdempotencyKey,
  InvoicePaymentRequest,
  type InvoiceStateResponse,
  type Scope,
  Scopes,
  toRequestErrors,
  type UpstreamDepartmentResponse,
  UpstreamInvoiceRequest,
  type UpstreamInvoiceResponse,
  UpstreamOrderRequest,
  type UpstreamOrderResponse,
  UpstreamPaymentRequestBody,
  type UpstreamPaymentRequestResponse,
  withoutNullFields,
} from "@payreq/contracts";
import type * as z from "zod";
import { AuditTrail } from "../audit/audit-trail.ts";
import { holdsScope, type Principal } from "../auth/principal.ts";
import {
  getAssociate,
  getDepartment,
  getInvoice,
  getOpenInvoice,
  getOrderByNumber,
  getOrderByUuid,
} from "../embedded/platform-queries.ts";
import { recordDelivery } from "../embedded/record-delivery.ts";
import { PayreqError } from "../errors.ts";
import type { IdGenerator } from "../ids.ts";
import {
  getInvoiceState,
  invoiceBody,
  paymentChangeOf,
  recordInvoicePayment,
  voidInvoice,
} from "../invoices/record-payment.ts";
import { fromCents } from "../money.ts";
import type { Department, EmbeddedBackend, Order } from "../ports.ts";
import { deliverPrepared, markBeforeSending } from "../send/deliver-prepared.ts";
import { fingerprintOf, finishKey } from "../send/idempotency.ts";
import { invoiceFieldsOf, orderRequestOf } from "../send/prepare.ts";
import type { CallDeps } from "../send/record-call.ts";
import { toFailure } from "../send/send-payment-request.ts";

export type V4Result<T> = {
  status: number;
  body: T | ErrorEnvelope;
  replayed?: boolean;
  retryAfterSeconds?: number | undefined;
};

type Call = { principal: Principal; departmentUuid: unknown; requestId: string };

const invalid = (error: z.ZodError): never => {
  throw Object.assign(new PayreqError("INVALID_REQUEST_DATA"), { errors: toRequestErrors(error) });
};

const toUpstreamOrder = (order: Order) => ({
  dealerOrderUuid: order.uuid,
  orderNumber: order.orderNumber,
  orderType: order.orderType,
  departmentUuid: order.departmentUuid,
  customerUuid: order.customerUuid,
  amount: fromCents(order.amountCents),
  orderStatus: order.status,
});

/**
 * The platform's v4 endpoints as the embedded backend serves them, so an aggregator in upstream mode can run
 * against this service as a second process. Same checks as the aggregator's: path, scope, department, body.
 */
export const createUpstreamApi = (deps: CallDeps & { backend: EmbeddedBackend; ids: IdGenerator }) => {
  const { store, clock } = deps;
  const { sql } = store;
  const embedded = deps.backend;

  const run = async <T>(
    call: Call,
    scope: Scope,
    work: (department: Department) => Promise<V4Result<T>>,
  ): Promise<V4Result<T>> => {
    try {
      const path = DepartmentUuid.safeParse(call.departmentUuid);
      if (!path.success)
        throw Object.assign(new PayreqError("INVALID_REQUEST_DATA"), {
          errors: toRequestErrors(path.error, ["departmentUuid"]),
        });
      if (!holdsScope(call.principal, scope, path.data)) throw new PayreqError("INVALID_SCOPE_DEPARTMENT");
      const department = await getDepartment(sql, path.data);
      if (!department) throw new PayreqError("INVALID_DEPARTMENT_TOKEN");
      return await work(department);
    } catch (error) {
      const failure = toFailure(deps, error, {
        requestId: call.requestId,
        transport: "upstream-api",
        operation: "v4",
        receivedAt: clock.now(),
      });
      return { status: failure.status, body: failure.envelope, retryAfterSeconds: failure.retryAfterSeconds };
    }
  };

  const parse = <S extends z.ZodType>(schema: S, input: unknown): z.infer<S> => {
    const parsed = schema.safeParse(withoutNullFields(input));
    return parsed.success ? parsed.data : invalid(parsed.error);
  };

  return {
    getDepartment: (call: Call): Promise<V4Result<UpstreamDepartmentResponse>> =>
      run(call, Scopes.departmentRead, async (department) => ({
        status: 200,
        body: {
          errors: [],
          warnings: [],
          department: {
            departmentUuid: department.uuid,
            name: department.name,
            dealerUuid: department.dealerUuid,
            dealerName: department.dealerName,
          },
        },
      })),

    /** Reads: an order by uuid, by (orderType, orderNumber), its open invoice, an invoice by guid. 404 when none. */
    read: (
      call: Call,
      what:
        | { kind: "order"; orderUuid: string }
        | { kind: "order-by-number"; orderType: string; orderNumber: string }
        | { kind: "open-invoice"; orderUuid: string }
        | { kind: "invoice"; invoiceGuid: string },
    ): Promise<V4Result<Record<string, unknown>>> =>
      run(
        call,
        what.kind === "invoice" || what.kind === "open-invoice" ? Scopes.invoiceRead : Scopes.dealerOrderRead,
        async (department) => {
          const invoiceOf = async (uuid: string) => {
            const state = await getInvoiceState(sql, uuid, department.uuid);
            if (!state) throw new PayreqError("INVOICE_NOT_FOUND");
            return invoiceBody(state);
          };
          const ok = (payload: Record<string, unknown>) => ({
            status: 200,
            body: { errors: [], warnings: [], ...payload },
          });
          if (what.kind === "invoice") return ok({ invoice: await invoiceOf(what.invoiceGuid) });
          const order =
            what.kind === "order-by-number"
              ? await getOrderByNumber(sql, department.uuid, what.orderType, what.orderNumber)
              : await getOrderByUuid(sql, what.orderUuid, department.uuid);
          if (!order) throw new PayreqError("DEALER_ORDER_NOT_FOUND");
          if (what.kind !== "open-invoice") return ok({ dealerOrder: toUpstreamOrder(order) });
          const invoice = await getOpenInvoice(sql, order.uuid);
          if (!invoice)
            throw new PayreqError("INVOICE_NOT_FOUND", { description: "The order has no open invoice." });
          return ok({ invoice: await invoiceOf(invoice.uuid) });
        },
      ),

    /** Finds the order by uuid or number, or creates it; the aggregator's step 1 rules apply. */
    resolveOrder: (call: Call, input: unknown): Promise<V4Result<UpstreamOrderResponse>> =>
      run(call, Scopes.dealerOrderWrite, async (department) => {
        const body = parse(UpstreamOrderRequest, input);
        const { order, created } = await embedded.resolveOrder(orderRequestOf(department, body));
        return {
          status: 200,
          body: {
            errors: [],
            warnings: [],
            created,
            dealerOrder: toUpstreamOrder(order),
          },
        };
      }),

    /** Create Invoice: the order's open invoice brought up to date, or a new one. */
    ensureInvoice: (call: Call, input: unknown): Promise<V4Result<UpstreamInvoiceResponse>> =>
      run(call, Scopes.invoiceWrite, async (department) => {
        const body = parse(UpstreamInvoiceRequest, input);
        const order = await getOrderByUuid(sql, body.orderUuid, department.uuid);
        if (!order) throw new PayreqError("ORDER_NOT_FOUND");
        if (body.dealerUuid !== undefined && body.dealerUuid !== department.dealerUuid)
          throw new PayreqError("INVALID_DEALER_TOKEN");
        if (
          body.dealerAssociateUuid !== undefined &&
          (await getAssociate(sql, "uuid", body.dealerAssociateUuid))?.departmentUuid !== department.uuid
        ) {
          throw new PayreqError("DEALER_ASSOCIATE_NOT_FOUND");
        }
        if (
          body.dealerAssociateDepartmentUuid !== undefined &&
          body.dealerAssociateDepartmentUuid !== department.uuid
        ) {
          throw new PayreqError("DEALER_ASSOCIATE_NOT_FOUND");
        }
        if (body.customerUuid !== undefined && body.customerUuid !== order.customerUuid)
          throw new PayreqError("CUSTOMER_MISMATCH");
        const fields = invoiceFieldsOf({ ...body, sendAsText: false });
        const ensured = await embedded.ensureOpenInvoice(order, fields);
        return {
          status: 200,
          body: {
            errors: [],
            warnings: [],
            created: ensured.created,
            ...(ensured.previousAmountCents === undefined
              ? {}
              : { previousAmount: fromCents(ensured.previousAmountCents) }),
            invoice: {
              guid: ensured.invoice.uuid,
              invoiceStatus: ensured.invoice.status,
              amount: fromCents(ensured.invoice.amountCents),
              paymentDealerOrder: { dealerOrderUuid: order.uuid, departmentUuid: department.uuid },
            },
          },
        };
      }),

    /**
     * Record Invoice Payment: the platform records a payment (paidDate, the amount paid) or a refund (the total
     * refunded). The same payment recorded again answers the same invoice.
     */
    recordPayment: (
      call: Call,
      invoiceGuid: string,
      input: unknown,
    ): Promise<V4Result<InvoiceStateResponse>> =>
      run(call, Scopes.invoiceWrite, async (department) => {
        const body = parse(InvoicePaymentRequest, input);
        const invoice = await recordInvoicePayment(store, clock, {
          departmentUuid: department.uuid,
          invoiceUuid: invoiceGuid,
          change: paymentChangeOf(body),
        });
        return { status: 200, body: { errors: [], warnings: [], invoice: invoiceBody(invoice) } };
      }),

    /** Cancel Invoice: an open invoice becomes VOID; cancelling it again answers the same. */
    voidInvoice: (call: Call, invoiceGuid: string): Promise<V4Result<InvoiceStateResponse>> =>
      run(call, Scopes.invoiceWrite, async (department) => {
        const invoice = await voidInvoice(store, clock, {
          departmentUuid: department.uuid,
          invoiceUuid: invoiceGuid,
        });
        return { status: 200, body: { errors: [], warnings: [], invoice: invoiceBody(invoice) } };
      }),

    /**
     * Send Payment Request: creates the payment request and delivers it. An Idempotency-Key makes it safe to repeat:
     * the same key replays the first answer and never sends a message twice.
     */
    sendPaymentRequest: (
      call: Call,
      input: unknown,
      idempotencyKey: unknown,
    ): Promise<V4Result<UpstreamPaymentRequestResponse>> =>
      run(call, Scopes.paymentRequestWrite, async (department) => {
        if (idempotencyKey !== undefined && !IdempotencyKey.safeParse(idempotencyKey).success)
          throw new PayreqError("INVALID_IDEMPOTENCY_KEY");
        const body = parse(UpstreamPaymentRequestBody, input);
        const invoice = await getInvoice(sql, body.invoiceGuid, department.uuid);
        if (!invoice) throw new PayreqError("INVOICE_NOT_FOUND");
        if (invoice.status !== "OPEN") {
          throw new PayreqError("INVALID_REQUEST_DATA", {
            message: "Invalid field: invoiceGuid",
            description: `the invoice is ${invoice.status}, not open`,
          });
        }
        const claim =
          typeof idempotencyKey === "string"
            ? await deps.idempotency.claim({
                userId: call.principal.userId,
                key: idempotencyKey,
                fingerprint: fingerprintOf(department.uuid, body),
                departmentUuid: department.uuid,
                requestId: call.requestId,
              })
            : undefined;
        if (claim?.kind === "replay") {
          return {
            status: claim.response.status,
            body: claim.response.body as UpstreamPaymentRequestResponse,
            replayed: true,
          };
        }
        try {
          const trail = new AuditTrail(clock);
          const prepared =
            (claim?.kind === "resume" ? claim.prepared : null) ??
            (await embedded.prepareForInvoice(
              {
                department,
                invoice,
                flags: {
                  attachInvoice: body.attachInvoice ?? false,
                  esignRequired: body.esignRequired ?? false,
                  sendAsText: body.sendAsText ?? false,
                  sendAsEmail: body.sendAsEmail ?? false,
                },
                requestId: call.requestId,
              },
              claim?.id,
            ));
          const options = {
            sendAsText: body.sendAsText ?? false,
            sendAsEmail: body.sendAsEmail ?? false,
            attachInvoice: body.attachInvoice ?? false,
            esignRequired: body.esignRequired ?? false,
            mayHaveSent: claim?.kind === "resume" && claim.recoveryPoint === "delivering",
          };
          await markBeforeSending(deps.idempotency, claim, options);
          const { delivery, messages } = await deliverPrepared(deps, trail, prepared, options);
          const response: UpstreamPaymentRequestResponse = {
            errors: [],
            warnings: [delivery.text?.warning, delivery.email?.warning].filter((w) => w !== undefined),
            paymentLink: prepared.paymentRequest.paymentUrl,
            invoiceLink: prepared.paymentRequest.invoiceUrl,
            ...(delivery.text ? { textSent: delivery.text.result } : {}),
            ...(delivery.email ? { emailSent: delivery.email.result } : {}),
            paymentRequestGuid: prepared.paymentRequest.uuid,
          };
          const paymentRequestUuid = prepared.paymentRequest.uuid;
          await store.transaction(async (tx) => {
            const context = { clock, ids: deps.ids };
            await recordDelivery(
              tx,
              {
                paymentRequestUuid,
                textResult: response.textSent,
                emailResult: response.emailSent,
                messages,
              },
              context,
            );
            if (claim) await finishKey(tx, claim.id, { status: 200, body: response as never }, clock);
          });
          return { status: 200, body: response };
        } catch (error) {
          if (claim) await deps.idempotency.release(claim.id).catch(() => undefined);
          throw error;
        }
        // Any failure after the claim releases the key, so a retry can resume from the last recovery point.
      }),
  };
};

export type UpstreamApi = ReturnType<typeof createUpstreamApi>;
