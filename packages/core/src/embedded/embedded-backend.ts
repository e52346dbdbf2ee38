import type { PayreqDatabase } from "../db/open-database.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { PaymentsBackend } from "../ports.ts";
import { createPaymentRequest, type PaymentUrlSettings } from "./create-payment-request.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import { resolveOrder } from "./resolve-order.ts";
import { prepareBackendStatements } from "./statements.ts";

export type EmbeddedBackendDeps = {
  database: PayreqDatabase;
  clock: Clock;
  ids: IdGenerator;
  paymentUrls: PaymentUrlSettings;
};

/** The payments platform on the service's own SQLite file: steps 1–3 share one transaction. */
export const createEmbeddedBackend = ({
  database,
  clock,
  ids,
  paymentUrls,
}: EmbeddedBackendDeps): PaymentsBackend => {
  const statements = prepareBackendStatements(database.sqlite);
  const deps = { statements, clock, ids, paymentUrls };
  return {
    atomically: (work) => database.writes.run(work),
    getDepartment: async (departmentUuid) => statements.getDepartment(departmentUuid),
    resolveOrder: async (request) => resolveOrder(deps, request),
    ensureOpenInvoice: async (order, fields) => ensureOpenInvoice(deps, order, fields),
    createPaymentRequest: async (input) => createPaymentRequest(deps, input),

    async recordDelivery({ paymentRequestUuid, textResult, emailResult, messages }) {
      const now = clock.now();
      statements.recordResults.run(textResult ?? null, emailResult ?? null, paymentRequestUuid);
      for (const message of messages) {
        statements.insertOutbox.run({
          uuid: ids.next(),
          paymentRequestUuid,
          customerUuid: message.customerUuid,
          channel: message.channel,
          recipient: message.recipient,
          subject: message.subject ?? null,
          body: message.body,
          status: message.status,
          provider: message.provider,
          providerRef: message.providerRef ?? null,
          error: message.error ?? null,
          length: message.length ?? null,
          segments: message.segments ?? null,
          now,
        });
      }
    },
  };
};
