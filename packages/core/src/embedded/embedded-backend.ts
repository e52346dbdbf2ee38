import type { AuditTrail, TimelineEntry } from "../audit/audit-trail.ts";
import { PayreqError } from "../errors.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { EmbeddedBackend } from "../ports.ts";
import { markPrepared } from "../send/idempotency.ts";
import type { Prepared } from "../send/prepare.ts";
import { sendInOneCommitProgram } from "../send/send-in-one-commit.ts";
import { dialectOf } from "../store/dialect.ts";
import type { ProgramRunner } from "../store/program.ts";
import type { Sql, Store } from "../store/sql.ts";
import { createPaymentRequest, type PaymentUrlSettings } from "./create-payment-request.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import { getCustomer, getDepartment, getOrderByUuid } from "./platform-queries.ts";
import { prepareCallProgram, type StepFailure } from "./prepare-call.ts";
import { resolveOrder, type StepContext } from "./resolve-order.ts";

export type EmbeddedBackendDeps = {
  store: Store;
  run: ProgramRunner;
  clock: Clock;
  ids: IdGenerator;
  paymentUrls: PaymentUrlSettings;
};

/** A program's steps, timed where it ran, added to the caller's trail: those of a failed program too. */
const onTrail = async <R extends { timeline: TimelineEntry[] }>(
  trail: AuditTrail,
  running: Promise<R>,
): Promise<R> => {
  try {
    const result = await running;
    trail.timeline.push(...result.timeline);
    return result;
  } catch (error) {
    trail.timeline.push(...((error as StepFailure).timeline ?? []));
    throw error;
  }
};

/** The payments platform in the service's own store: steps 1–3 share one transaction. */
export const createEmbeddedBackend = ({
  store,
  run,
  clock,
  ids,
  paymentUrls,
}: EmbeddedBackendDeps): EmbeddedBackend => {
  const context = (tx: Sql): StepContext => ({
    tx,
    clock,
    ids,
    forUpdate: dialectOf(store.dialect).forUpdate,
  });

  return {
    kind: "embedded",
    getDepartment: (departmentUuid) => getDepartment(store.sql, departmentUuid),
    resolveOrder: (request) => store.transaction((tx) => resolveOrder(context(tx), request)),
    ensureOpenInvoice: (order, fields) =>
      store.transaction((tx) => ensureOpenInvoice(context(tx), order, fields)),

    prepare: async ({ department, body, requestId }, trail, claimId) =>
      (await onTrail(trail, run(prepareCallProgram, { department, body, requestId, paymentUrls, claimId })))
        .prepared,

    sendInOneCommit: (input, trail) => onTrail(trail, run(sendInOneCommitProgram, { ...input, paymentUrls })),

    prepareForInvoice: ({ department, invoice, flags, requestId }, claimId) =>
      store.transaction(async (tx) => {
        const order = await getOrderByUuid(tx, invoice.orderUuid, department.uuid);
        const customer = order ? await getCustomer(tx, order.customerUuid) : undefined;
        if (!order || !customer) throw new PayreqError("ORDER_NOT_FOUND");
        const paymentRequest = await createPaymentRequest(context(tx), paymentUrls, {
          invoice,
          flags,
          requestId,
          mayHaveReminder: true,
        });
        const prepared: Prepared = {
          department,
          order: {
            uuid: order.uuid,
            orderType: order.orderType,
            orderNumber: order.orderNumber,
            created: false,
          },
          invoice: {
            uuid: invoice.uuid,
            amountCents: invoice.amountCents,
            created: false,
            fileName: invoice.fileName,
          },
          paymentRequest,
          customer,
        };
        if (claimId !== undefined) await markPrepared(tx, claimId, prepared, clock);
        return prepared;
      }),
  };
};
