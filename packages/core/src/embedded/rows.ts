import type { customers, dealerOrders, invoices } from "../db/schema.ts";
import type { Customer, Invoice, Order } from "../ports.ts";

export const toOrder = (row: typeof dealerOrders.$inferSelect): Order => ({
  uuid: row.uuid,
  departmentUuid: row.departmentUuid,
  orderType: row.orderType,
  orderNumber: row.orderNumber,
  customerUuid: row.customerUuid,
  dealerAssociateUuid: row.dealerAssociateUuid,
  amountCents: row.amountCents,
  status: row.status,
});

export const toCustomer = (row: typeof customers.$inferSelect): Customer => ({
  uuid: row.uuid,
  dealerUuid: row.dealerUuid,
  firstName: row.firstName,
  lastName: row.lastName,
  phone: row.phone,
  email: row.email,
  textOptIn: row.textOptIn,
});

export const toInvoice = (row: typeof invoices.$inferSelect): Invoice => ({
  uuid: row.uuid,
  orderUuid: row.orderUuid,
  departmentUuid: row.departmentUuid,
  status: row.status,
  amountCents: row.amountCents,
});
