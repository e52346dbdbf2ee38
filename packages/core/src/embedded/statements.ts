import type Database from "better-sqlite3";
import type { Customer, Department, Invoice, Order } from "../ports.ts";

const ORDER_COLUMNS = `uuid, department_uuid as departmentUuid, order_type as orderType, order_number as orderNumber,
  customer_uuid as customerUuid, dealer_associate_uuid as dealerAssociateUuid, amount_cents as amountCents, status`;
const INVOICE_COLUMNS = `uuid, order_uuid as orderUuid, department_uuid as departmentUuid, status, amount_cents as amountCents`;

/**
 * The embedded backend's statements, prepared once per connection: the send path runs a fixed handful of
 * queries, and preparing them per call cost more than running them.
 */
export const prepareBackendStatements = (sqlite: Database.Database) => {
  const statements = {
    department: sqlite.prepare(
      `select d.uuid, d.name, d.dealer_uuid as dealerUuid, l.name as dealerName
       from departments d join dealers l on l.uuid = d.dealer_uuid where d.uuid = ?`,
    ),
    associateByUuid: sqlite.prepare(
      "select uuid, user_uuid as userUuid, department_uuid as departmentUuid from dealer_associates where uuid = ?",
    ),
    associateByUser: sqlite.prepare(
      "select uuid, user_uuid as userUuid, department_uuid as departmentUuid from dealer_associates where user_uuid = ?",
    ),
    customer: sqlite.prepare(
      `select uuid, dealer_uuid as dealerUuid, first_name as firstName, last_name as lastName, phone, email,
              text_opt_in as textOptIn from customers where uuid = ?`,
    ),
    orderByUuid: sqlite.prepare(
      `select ${ORDER_COLUMNS} from dealer_orders where uuid = ? and department_uuid = ?`,
    ),
    orderByNumber: sqlite.prepare(
      `select ${ORDER_COLUMNS} from dealer_orders where department_uuid = ? and order_type = ? and order_number = ?`,
    ),
    insertOrder: sqlite.prepare(
      `insert into dealer_orders (uuid, department_uuid, order_type, order_number, customer_uuid, dealer_associate_uuid,
         amount_cents, status, created_at, updated_at)
       values (@uuid, @departmentUuid, @orderType, @orderNumber, @customerUuid, @dealerAssociateUuid, @amountCents, 'OPEN',
         @now, @now)`,
    ),
    invoiceByUuid: sqlite.prepare(
      `select ${INVOICE_COLUMNS} from invoices where uuid = ? and department_uuid = ?`,
    ),
    openInvoice: sqlite.prepare(
      `select ${INVOICE_COLUMNS} from invoices where order_uuid = ? and status = 'OPEN'`,
    ),
    /** A reused invoice takes the fields the request gives; absent ones (null here) keep their values. */
    updateInvoice: sqlite.prepare(
      `update invoices set amount_cents = @amountCents, description = coalesce(@description, description),
         refunded_amount_cents = coalesce(@refundedAmountCents, refunded_amount_cents),
         paid_date = coalesce(@paidDate, paid_date), signature_file_name = coalesce(@signatureFileName, signature_file_name),
         reminder_date = coalesce(@reminderDate, reminder_date), reminder_mileage = coalesce(@reminderMileage, reminder_mileage),
         file_name = coalesce(@fileName, file_name), payment_declines = coalesce(@paymentDeclines, payment_declines),
         invoice_attributes = coalesce(@invoiceAttributes, invoice_attributes),
         attach_invoice = coalesce(@attachInvoice, attach_invoice), updated_at = @now
       where uuid = @uuid`,
    ),
    insertInvoice: sqlite.prepare(
      `insert into invoices (uuid, order_uuid, department_uuid, status, amount_cents, description, refunded_amount_cents,
         paid_date, signature_file_name, reminder_date, reminder_mileage, file_name, payment_declines, invoice_attributes,
         attach_invoice, created_at, updated_at)
       values (@uuid, @orderUuid, @departmentUuid, 'OPEN', @amountCents, @description, @refundedAmountCents, @paidDate,
         @signatureFileName, @reminderDate, @reminderMileage, @fileName, @paymentDeclines, @invoiceAttributes,
         coalesce(@attachInvoice, 0), @now, @now)`,
    ),
    insertPaymentRequest: sqlite.prepare(
      `insert into payment_requests (uuid, invoice_uuid, department_uuid, token_hash, expires_at, attach_invoice,
         esign_required, send_as_text, send_as_email, request_id, created_at)
       values (@uuid, @invoiceUuid, @departmentUuid, @tokenHash, @expiresAt, @attachInvoice, @esignRequired, @sendAsText,
         @sendAsEmail, @requestId, @now)`,
    ),
    recordResults: sqlite.prepare(
      "update payment_requests set text_result = ?, email_result = ? where uuid = ?",
    ),
    insertOutbox: sqlite.prepare(
      `insert into outbox (uuid, payment_request_uuid, customer_uuid, channel, recipient, subject, body, status, provider,
         provider_ref, error, length, segments, created_at)
       values (@uuid, @paymentRequestUuid, @customerUuid, @channel, @recipient, @subject, @body, @status, @provider,
         @providerRef, @error, @length, @segments, @now)`,
    ),
  };
  return {
    ...statements,
    getDepartment: (uuid: string) => statements.department.get(uuid) as Department | undefined,
    getCustomer: (uuid: string): Customer | undefined => {
      const row = statements.customer.get(uuid) as
        | (Omit<Customer, "textOptIn"> & { textOptIn: number })
        | undefined;
      return row ? { ...row, textOptIn: row.textOptIn === 1 } : undefined;
    },
    getOrderByUuid: (uuid: string, departmentUuid: string) =>
      statements.orderByUuid.get(uuid, departmentUuid) as Order | undefined,
    getOrderByNumber: (departmentUuid: string, orderType: string, orderNumber: string) =>
      statements.orderByNumber.get(departmentUuid, orderType, orderNumber) as Order | undefined,
    getOpenInvoice: (orderUuid: string) => statements.openInvoice.get(orderUuid) as Invoice | undefined,
    getInvoice: (uuid: string, departmentUuid: string) =>
      statements.invoiceByUuid.get(uuid, departmentUuid) as Invoice | undefined,
    getAssociate: (by: "uuid" | "userUuid", value: string) =>
      (by === "uuid" ? statements.associateByUuid : statements.associateByUser).get(value) as
        | { uuid: string; userUuid: string; departmentUuid: string }
        | undefined,
  };
};

export type BackendStatements = ReturnType<typeof prepareBackendStatements>;
