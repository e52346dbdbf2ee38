import { defineProgram, type ProgramRunner } from "../../ports/store.ts";
import { raiseEvents } from "../../webhooks/events.ts";

type Expired = {
  uuid: string;
  expiresAt: number;
  invoiceUuid: string;
  invoiceStatus: string;
  orderUuid: string;
  departmentUuid: string;
  dealerUuid: string;
};

/**
 * Links whose lifetime ended: each is marked once (`expired_at`), and raises payment_request.expired when its
 * invoice is still open (a link of a paid or cancelled invoice asked for nothing more). Instances on PostgreSQL
 * skip each other's rows.
 */
export const expireLinksProgram = defineProgram<{ limit: number }, number>(
  "expire-links",
  async (tx, { limit }, context) => {
    const now = context.clock.now();
    const expired = await tx.all<Expired>(
      `select p.uuid, p.expires_at as "expiresAt", i.uuid as "invoiceUuid", i.status as "invoiceStatus",
              i.order_uuid as "orderUuid", i.department_uuid as "departmentUuid", d.dealer_uuid as "dealerUuid"
       from payment_requests p join invoices i on i.uuid = p.invoice_uuid join departments d on d.uuid = i.department_uuid
       where p.expired_at is null and p.expires_at <= ? order by p.expires_at limit ?${
         context.store.dialect === "postgres" ? " for update of p skip locked" : ""
       }`,
      [now, limit],
    );
    if (expired.length === 0) return 0;
    await tx.run(
      `update payment_requests set expired_at = ? where uuid in (${expired.map(() => "?").join(", ")})`,
      [now, ...expired.map((e) => e.uuid)],
    );
    await raiseEvents(
      tx,
      expired
        .filter((e) => e.invoiceStatus === "OPEN")
        .map((e) => ({
          type: "payment_request.expired" as const,
          dealerUuid: e.dealerUuid,
          departmentUuid: e.departmentUuid,
          paymentRequestUuid: e.uuid,
          data: {
            paymentRequestUuid: e.uuid,
            invoiceUuid: e.invoiceUuid,
            orderUuid: e.orderUuid,
            expiredAt: new Date(e.expiresAt).toISOString(),
          },
        })),
      context,
    );
    return expired.length;
  },
);

/** Marks the links that expired since the last time (a batch at a time) and raises their events. */
export const expireLinks = async (run: ProgramRunner, limit = 200): Promise<number> => {
  let total = 0;
  for (;;) {
    const marked = await run(expireLinksProgram, { limit });
    total += marked;
    if (marked < limit) return total;
  }
};
