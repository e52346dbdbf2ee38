import type { Customer, Department } from "../../domain/dealer.ts";
import type { Invoice, InvoiceFields } from "../../domain/invoice.ts";
import type { Order } from "../../domain/order.ts";
import { type Sql, write } from "../../ports/store.ts";

/**
 * The embedded platform's statements, written once for both stores. Every function takes the connection or the
 * transaction it runs on: steps 1–3 share one transaction, reads outside need none.
 */

const ORDER_COLUMNS = `uuid, department_uuid as "departmentUuid", order_type as "orderType",
  order_number as "orderNumber", customer_uuid as "customerUuid", dealer_associate_uuid as "dealerAssociateUuid",
  amount_cents as "amountCents", status`;
const INVOICE_COLUMNS = `uuid, order_uuid as "orderUuid", department_uuid as "departmentUuid", status,
  amount_cents as "amountCents", file_name as "fileName"`;

export const getDepartment = (sql: Sql, uuid: string) =>
  sql.get<Department>(
    `select d.uuid, d.name, d.dealer_uuid as "dealerUuid", l.name as "dealerName"
     from departments d join dealers l on l.uuid = d.dealer_uuid where d.uuid = ?`,
    [uuid],
  );

export type AssociateRow = { uuid: string; userUuid: string; departmentUuid: string };

export const getAssociate = (sql: Sql, by: "uuid" | "userUuid", value: string) =>
  sql.get<AssociateRow>(
    `select uuid, user_uuid as "userUuid", department_uuid as "departmentUuid" from dealer_associates
     where ${by === "uuid" ? "uuid" : "user_uuid"} = ?`,
    [value],
  );

export const getCustomer = async (sql: Sql, uuid: string): Promise<Customer | undefined> => {
  const row = await sql.get<Omit<Customer, "textOptIn"> & { textOptIn: number }>(
    `select uuid, dealer_uuid as "dealerUuid", first_name as "firstName", last_name as "lastName", phone, email,
            text_opt_in as "textOptIn" from customers where uuid = ?`,
    [uuid],
  );
  return row ? { ...row, textOptIn: row.textOptIn === 1 } : undefined;
};

type CustomerRow = Omit<Customer, "textOptIn"> & { textOptIn: number };
type OrderRow = { [K in keyof Order as `o_${K & string}`]: Order[K] | null };

/**
 * The customer, and the department's order of this type and number if there is one, in one read (step 1's):
 * nothing when there is no such customer, whatever orders there are.
 */
export const getCustomerAndOrder = async (
  sql: Sql,
  customerUuid: string,
  order: { departmentUuid: string; orderType: string; orderNumber: string },
): Promise<{ customer: Customer; order: Order | undefined } | undefined> => {
  const row = await sql.get<CustomerRow & OrderRow>(
    `select c.uuid, c.dealer_uuid as "dealerUuid", c.first_name as "firstName", c.last_name as "lastName",
            c.phone, c.email, c.text_opt_in as "textOptIn",
            o.uuid as "o_uuid", o.department_uuid as "o_departmentUuid", o.order_type as "o_orderType",
            o.order_number as "o_orderNumber", o.customer_uuid as "o_customerUuid",
            o.dealer_associate_uuid as "o_dealerAssociateUuid", o.amount_cents as "o_amountCents",
            o.status as "o_status"
     from customers c
     left join dealer_orders o on o.department_uuid = ? and o.order_type = ? and o.order_number = ?
     where c.uuid = ?`,
    [order.departmentUuid, order.orderType, order.orderNumber, customerUuid],
  );
  if (!row) return undefined;
  const customer: Customer = {
    uuid: row.uuid,
    dealerUuid: row.dealerUuid,
    firstName: row.firstName,
    lastName: row.lastName,
    phone: row.phone,
    email: row.email,
    textOptIn: row.textOptIn === 1,
  };
  if (row.o_uuid === null) return { customer, order: undefined };
  return {
    customer,
    order: {
      uuid: row.o_uuid,
      departmentUuid: row.o_departmentUuid,
      orderType: row.o_orderType,
      orderNumber: row.o_orderNumber,
      customerUuid: row.o_customerUuid,
      dealerAssociateUuid: row.o_dealerAssociateUuid,
      amountCents: row.o_amountCents,
      status: row.o_status,
    } as Order,
  };
};

export const getOrderByUuid = (sql: Sql, uuid: string, departmentUuid: string) =>
  sql.get<Order>(`select ${ORDER_COLUMNS} from dealer_orders where uuid = ? and department_uuid = ?`, [
    uuid,
    departmentUuid,
  ]);

export const getOrderByNumber = (sql: Sql, departmentUuid: string, orderType: string, orderNumber: string) =>
  sql.get<Order>(
    `select ${ORDER_COLUMNS} from dealer_orders where department_uuid = ? and order_type = ? and order_number = ?`,
    [departmentUuid, orderType, orderNumber],
  );

/** Inserts the order unless one with its number exists (a concurrent call may have just made it). */
export const insertOrderIfAbsent = async (sql: Sql, order: Order, now: number): Promise<boolean> => {
  const { changes } = await sql.run(
    `insert into dealer_orders (uuid, department_uuid, order_type, order_number, customer_uuid,
       dealer_associate_uuid, amount_cents, status, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (department_uuid, order_type, order_number) do nothing`,
    [
      order.uuid,
      order.departmentUuid,
      order.orderType,
      order.orderNumber,
      order.customerUuid,
      order.dealerAssociateUuid,
      order.amountCents,
      order.status,
      now,
      now,
    ],
  );
  return changes === 1;
};

/**
 * Holds the order for the rest of the transaction, so that two calls on one order find or create its open
 * invoice one after the other (on SQLite the write transaction already excludes every other writer).
 */
export const lockOrder = async (sql: Sql, uuid: string, forUpdate: string) => {
  if (forUpdate === "") return;
  await sql.get(`select uuid from dealer_orders where uuid = ?${forUpdate}`, [uuid]);
};

export const getOpenInvoice = (sql: Sql, orderUuid: string) =>
  sql.get<Invoice>(`select ${INVOICE_COLUMNS} from invoices where order_uuid = ? and status = 'OPEN'`, [
    orderUuid,
  ]);

export const getInvoice = (sql: Sql, uuid: string, departmentUuid: string) =>
  sql.get<Invoice>(`select ${INVOICE_COLUMNS} from invoices where uuid = ? and department_uuid = ?`, [
    uuid,
    departmentUuid,
  ]);

/** Column values for the invoice fields; null where the request gives none. */
const fieldValues = (fields: InvoiceFields) => [
  fields.amountCents,
  fields.description ?? null,
  fields.refundedAmountCents ?? null,
  fields.paidDate ?? null,
  fields.signatureFileName ?? null,
  fields.reminderDate ?? null,
  fields.reminderMileage ?? null,
  fields.fileName ?? null,
  fields.paymentDeclines ?? null,
  fields.invoiceAttributes === undefined ? null : JSON.stringify(fields.invoiceAttributes),
  fields.attachInvoice === undefined ? null : fields.attachInvoice ? 1 : 0,
];

/** A reused invoice takes the fields the request gives; absent ones (null here) keep their values. */
export const updateInvoice = (sql: Sql, uuid: string, fields: InvoiceFields, now: number) =>
  sql.run(
    `update invoices set amount_cents = ?, description = coalesce(?, description),
       refunded_amount_cents = coalesce(?, refunded_amount_cents), paid_date = coalesce(?, paid_date),
       signature_file_name = coalesce(?, signature_file_name), reminder_date = coalesce(?, reminder_date),
       reminder_mileage = coalesce(?, reminder_mileage), file_name = coalesce(?, file_name),
       payment_declines = coalesce(?, payment_declines), invoice_attributes = coalesce(?, invoice_attributes),
       attach_invoice = coalesce(?, attach_invoice), updated_at = ?
     where uuid = ?`,
    [...fieldValues(fields), now, uuid],
  );

export const insertInvoice = (sql: Sql, invoice: Invoice, fields: InvoiceFields, now: number) => {
  const values = fieldValues(fields);
  values[10] ??= 0;
  return write(
    sql,
    `insert into invoices (uuid, order_uuid, department_uuid, status, amount_cents, description,
       refunded_amount_cents, paid_date, signature_file_name, reminder_date, reminder_mileage, file_name,
       payment_declines, invoice_attributes, attach_invoice, created_at, updated_at)
     values (?, ?, ?, 'OPEN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [invoice.uuid, invoice.orderUuid, invoice.departmentUuid, ...values, now, now],
  );
};

export type PaymentRequestRow = {
  uuid: string;
  invoiceUuid: string;
  departmentUuid: string;
  tokenHash: string;
  expiresAt: number;
  attachInvoice: boolean;
  esignRequired: boolean;
  sendAsText: boolean;
  sendAsEmail: boolean;
  requestId: string;
};

const bit = (value: boolean) => (value ? 1 : 0);

export const insertPaymentRequest = (sql: Sql, row: PaymentRequestRow, now: number) =>
  write(
    sql,
    `insert into payment_requests (uuid, invoice_uuid, department_uuid, token_hash, expires_at, attach_invoice,
       esign_required, send_as_text, send_as_email, request_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.uuid,
      row.invoiceUuid,
      row.departmentUuid,
      row.tokenHash,
      row.expiresAt,
      bit(row.attachInvoice),
      bit(row.esignRequired),
      bit(row.sendAsText),
      bit(row.sendAsEmail),
      row.requestId,
      now,
    ],
  );
