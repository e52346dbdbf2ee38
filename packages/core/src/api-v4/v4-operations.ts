import {
  DepartmentUuid,
  type ErrorEnvelope,
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
  withoutNullFields,
} from "@payreq/contracts";
import type * as z from "zod";
import { holdsScope, type Principal } from "../auth/principal.ts";
import type { Department } from "../domain/dealer.ts";
import { PayreqError } from "../domain/errors.ts";
import { fromCents } from "../domain/money.ts";
import type { Order } from "../domain/order.ts";
import { invoiceFieldsOf, orderRequestOf } from "../domain/request-fields.ts";
import {
  getInvoiceState,
  invoiceBody,
  paymentChangeOf,
  recordInvoicePayment,
  voidInvoice,
} from "../invoices/record-payment.ts";
import {
  getAssociate,
  getDepartment,
  getOpenInvoice,
  getOrderByNumber,
  getOrderByUuid,
} from "../platform/embedded/platform-queries.ts";
import { ensureOpenInvoiceProgram, resolveOrderProgram } from "../platform/embedded/step-programs.ts";
import type { CallDeps } from "../send/call-deps.ts";
import { toFailure } from "../send/failure.ts";

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
 * The platform's v4 endpoints as the embedded platform serves them, so an aggregator in upstream mode can run
 * against this service as a second process. Same checks as the aggregator's: path, scope, department, body. Its
 * Send Payment Request is the one send pipeline's (send-for-invoice.ts).
 */
export const createUpstreamApi = (deps: CallDeps) => {
  const { store } = deps;
  const { sql } = store;

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
      const failure = toFailure(deps, error, call);
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
        const { order, created } = await deps.run(resolveOrderProgram, orderRequestOf(department, body));
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
        const fields = invoiceFieldsOf(body);
        const ensured = await deps.run(ensureOpenInvoiceProgram, { order, fields });
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
        const invoice = await recordInvoicePayment(store, deps, {
          departmentUuid: department.uuid,
          invoiceUuid: invoiceGuid,
          change: paymentChangeOf(body),
        });
        return { status: 200, body: { errors: [], warnings: [], invoice: invoiceBody(invoice) } };
      }),

    /** Cancel Invoice: an open invoice becomes VOID; cancelling it again answers the same. */
    voidInvoice: (call: Call, invoiceGuid: string): Promise<V4Result<InvoiceStateResponse>> =>
      run(call, Scopes.invoiceWrite, async (department) => {
        const invoice = await voidInvoice(store, deps, {
          departmentUuid: department.uuid,
          invoiceUuid: invoiceGuid,
        });
        return { status: 200, body: { errors: [], warnings: [], invoice: invoiceBody(invoice) } };
      }),
  };
};

export type UpstreamApi = ReturnType<typeof createUpstreamApi>;
