import { ANY_DEPARTMENT, Scopes } from "@payreq/contracts";
import { departmentsWithScope, type Principal } from "../auth/principal.ts";
import { type CheckoutSessionRow, SESSION_COLUMNS } from "../payments/checkout-rows.ts";
import type { Sql } from "../ports/store.ts";

/** A card payment session as the console lists it: with its order, department and invoice state. */
export type ConsolePayment = CheckoutSessionRow & {
  orderType: string;
  orderNumber: string;
  departmentUuid: string;
  invoiceStatus: string;
};

/**
 * The Checkout Sessions of the departments whose audit log the user reads, newest first: all, or only the second
 * payments refunded (or still to refund, or whose refund failed), which someone must see.
 */
export const listConsolePayments = async (
  sql: Sql,
  principal: Principal,
  filter: { doublePayments?: boolean; limit?: number } = {},
): Promise<ConsolePayment[]> => {
  const access = departmentsWithScope(principal, Scopes.auditRead);
  if (access !== ANY_DEPARTMENT && access.length === 0) return [];
  const where = [
    ...(access === ANY_DEPARTMENT ? [] : [`i.department_uuid in (${access.map(() => "?").join(", ")})`]),
    ...(filter.doublePayments ? ["s.refund is not null"] : []),
  ];
  const columns = SESSION_COLUMNS.split(",")
    .map((column) => `s.${column.trim()}`)
    .join(", ");
  return sql.all<ConsolePayment>(
    `select ${columns}, o.order_type as "orderType", o.order_number as "orderNumber",
            i.department_uuid as "departmentUuid", i.status as "invoiceStatus"
     from checkout_sessions s
     join invoices i on i.uuid = s.invoice_uuid
     join dealer_orders o on o.uuid = i.order_uuid
     ${where.length ? `where ${where.join(" and ")}` : ""}
     order by s.created_at desc, s.id limit ?`,
    [...(access === ANY_DEPARTMENT ? [] : access), filter.limit ?? 200],
  );
};
