import { PayreqError } from "../errors.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { EmbeddedBackend } from "../ports.ts";
import { type Prepared, prepareSteps } from "../send/prepare.ts";
import { dialectOf } from "../store/dialect.ts";
import type { Sql, Store } from "../store/sql.ts";
import { createPaymentRequest, type PaymentUrlSettings } from "./create-payment-request.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import {
  getCustomer,
  getDepartment,
  getOrderByUuid,
  insertOutbox,
  recordResults,
} from "./platform-queries.ts";
import { resolveOrder, type StepContext } from "./resolve-order.ts";

export type EmbeddedBackendDeps = {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  paymentUrls: PaymentUrlSettings;
};

/** The payments platform in the service's own store: steps 1–3 share one transaction. */
export const createEmbeddedBackend = ({
  store,
  clock,
  ids,
  paymentUrls,
}: EmbeddedBackendDeps): EmbeddedBackend => {
  const { forUpdate } = dialectOf(store.dialect);
  const context = (tx: Sql): StepContext => ({ tx, clock, ids, forUpdate });
  const steps = {
    resolveOrder: (tx: Sql, request: Parameters<typeof resolveOrder>[1]) =>
      resolveOrder(context(tx), request),
    ensureOpenInvoice: (
      tx: Sql,
      ...args: [Parameters<typeof ensureOpenInvoice>[1], Parameters<typeof ensureOpenInvoice>[2]]
    ) => ensureOpenInvoice(context(tx), ...args),
    createPaymentRequest: (tx: Sql, input: Parameters<typeof createPaymentRequest>[2]) =>
      createPaymentRequest(context(tx), paymentUrls, input),
  };

  return {
    kind: "embedded",
    getDepartment: (departmentUuid) => getDepartment(store.sql, departmentUuid),
    resolveOrder: (request) => store.transaction((tx) => steps.resolveOrder(tx, request)),
    ensureOpenInvoice: (order, fields) =>
      store.transaction((tx) => steps.ensureOpenInvoice(tx, order, fields)),

    prepare: (input, trail, alongside) =>
      store.transaction(async (tx) => {
        const prepared = await prepareSteps(
          {
            resolveOrder: (request) => steps.resolveOrder(tx, request),
            ensureOpenInvoice: (order, fields) => steps.ensureOpenInvoice(tx, order, fields),
            createPaymentRequest: (request) => steps.createPaymentRequest(tx, request),
          },
          trail,
          input,
        );
        await alongside?.(tx, prepared);
        return prepared;
      }),

    prepareForInvoice: ({ department, invoice, flags, requestId }, alongside) =>
      store.transaction(async (tx) => {
        const order = await getOrderByUuid(tx, invoice.orderUuid, department.uuid);
        const customer = order ? await getCustomer(tx, order.customerUuid) : undefined;
        if (!order || !customer) throw new PayreqError("ORDER_NOT_FOUND");
        const paymentRequest = await steps.createPaymentRequest(tx, { invoice, flags, requestId });
        const prepared: Prepared = {
          department,
          order: {
            uuid: order.uuid,
            orderType: order.orderType,
            orderNumber: order.orderNumber,
            created: false,
          },
          invoice: { uuid: invoice.uuid, amountCents: invoice.amountCents, created: false },
          paymentRequest,
          customer,
        };
        await alongside?.(tx, prepared);
        return prepared;
      }),

    async recordDelivery(tx, { paymentRequestUuid, textResult, emailResult, messages }) {
      const now = clock.now();
      await recordResults(tx, paymentRequestUuid, textResult ?? null, emailResult ?? null);
      for (const message of messages) {
        await insertOutbox(tx, { ...message, uuid: ids.next(), paymentRequestUuid }, now);
      }
    },
  };
};
