import { eq } from "drizzle-orm";
import type { PayreqDatabase } from "../db/open-database.ts";
import { dealers, departments, outbox, paymentRequests } from "../db/schema.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { PaymentsBackend } from "../ports.ts";
import { createPaymentRequest, type PaymentUrlSettings } from "./create-payment-request.ts";
import { ensureOpenInvoice } from "./ensure-open-invoice.ts";
import { resolveOrder } from "./resolve-order.ts";

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
  const { db } = database;
  const deps = { db, clock, ids, paymentUrls };
  return {
    atomically: (work) => database.writes.run(work),

    async getDepartment(departmentUuid) {
      const row = db
        .select({
          uuid: departments.uuid,
          name: departments.name,
          dealerUuid: departments.dealerUuid,
          dealerName: dealers.name,
        })
        .from(departments)
        .innerJoin(dealers, eq(dealers.uuid, departments.dealerUuid))
        .where(eq(departments.uuid, departmentUuid))
        .get();
      return row;
    },

    resolveOrder: async (request) => resolveOrder(deps, request),
    ensureOpenInvoice: async (order, fields) => ensureOpenInvoice(deps, order, fields),
    createPaymentRequest: async (input) => createPaymentRequest(deps, input),

    async recordDelivery({ paymentRequestUuid, textResult, emailResult, messages }) {
      const now = clock.now();
      db.update(paymentRequests)
        .set({ textResult: textResult ?? null, emailResult: emailResult ?? null })
        .where(eq(paymentRequests.uuid, paymentRequestUuid))
        .run();
      for (const message of messages) {
        db.insert(outbox)
          .values({ uuid: ids.next(), paymentRequestUuid, ...message, createdAt: now })
          .run();
      }
    },
  };
};
