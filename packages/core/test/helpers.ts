import { eq } from "drizzle-orm";
import type { PayreqDatabase } from "../src/db/open-database.ts";
import { auditLog, dealerOrders, invoices, outbox, paymentRequests } from "../src/db/schema.ts";
import { DEMO_IDS } from "../src/demo/seed-demo.ts";

export const count = (
  database: PayreqDatabase,
  table: "dealer_orders" | "invoices" | "payment_requests" | "outbox" | "audit_log",
) => (database.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

export const auditRow = (database: PayreqDatabase, requestId: string) =>
  database.db.select().from(auditLog).where(eq(auditLog.requestId, requestId)).get();

export const invoicesOf = (database: PayreqDatabase, orderUuid: string) =>
  database.db.select().from(invoices).where(eq(invoices.orderUuid, orderUuid)).all();

export const outboxOf = (database: PayreqDatabase, paymentRequestUuid: string) =>
  database.db.select().from(outbox).where(eq(outbox.paymentRequestUuid, paymentRequestUuid)).all();

export const paymentRequestRow = (database: PayreqDatabase, uuid: string) =>
  database.db.select().from(paymentRequests).where(eq(paymentRequests.uuid, uuid)).get();

export const ordersNumbered = (database: PayreqDatabase, orderNumber: string) =>
  database.db.select().from(dealerOrders).where(eq(dealerOrders.orderNumber, orderNumber)).all();

export const markInvoice = (database: PayreqDatabase, uuid: string, status: "PAID" | "VOID") =>
  database.db.update(invoices).set({ status }).where(eq(invoices.uuid, uuid)).run();

let orderSeq = 0;
/** A valid body for the Sunrise department's fully reachable customer, with a fresh order number. */
export const sunriseBody = (overrides: Record<string, unknown> = {}) => ({
  amount: 125.5,
  description: "Brake pads and rotors",
  orderNumber: `RO-${Date.now().toString(36)}-${orderSeq++}`,
  orderType: "RO",
  customerUuid: DEMO_IDS.customers.sunriseFull,
  sendAsText: true,
  sendAsEmail: true,
  ...overrides,
});
