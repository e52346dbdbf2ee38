import { DEMO_IDS } from "../src/demo/seed-demo.ts";
import type { SqlParam, Store } from "../src/ports/store.ts";

type Table = "dealer_orders" | "invoices" | "payment_requests" | "outbox" | "audit_log" | "idempotency_keys";

const FLAGS = new Set([
  "attach_invoice",
  "esign_required",
  "send_as_text",
  "send_as_email",
  "text_opt_in",
  "order_created",
  "invoice_created",
]);
const JSON_COLUMNS = new Set([
  "invoice_attributes",
  "error_codes",
  "warning_codes",
  "request_body",
  "response_body",
  "timeline",
]);

/** A stored row as the tests read it: camelCase keys, flags as booleans, JSON columns parsed. */
// biome-ignore lint/suspicious/noExplicitAny: rows of any table, each test reads the columns it knows
type Row = Record<string, any>;
const camelize = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      value === null
        ? null
        : FLAGS.has(column)
          ? value === 1
          : JSON_COLUMNS.has(column)
            ? JSON.parse(String(value))
            : value,
    ]),
  ) as Row;

const rows = async (store: Store, table: Table, where: string, params: SqlParam[]) =>
  (await store.sql.all<Record<string, unknown>>(`select * from ${table} where ${where}`, params)).map(
    camelize,
  );

export const count = async (store: Store, table: Table) =>
  (await store.sql.get<{ n: number }>(`select count(*) as n from ${table}`))?.n ?? 0;

export const auditRow = async (store: Store, requestId: string) =>
  (await rows(store, "audit_log", "request_id = ?", [requestId]))[0];

export const invoicesOf = (store: Store, orderUuid: string) =>
  rows(store, "invoices", "order_uuid = ? order by created_at, uuid", [orderUuid]);

export const outboxOf = (store: Store, paymentRequestUuid: string) =>
  rows(store, "outbox", "payment_request_uuid = ? order by uuid", [paymentRequestUuid]);

export const paymentRequestRow = async (store: Store, uuid: string) =>
  (await rows(store, "payment_requests", "uuid = ?", [uuid]))[0];

export const ordersNumbered = (store: Store, orderNumber: string) =>
  rows(store, "dealer_orders", "order_number = ?", [orderNumber]);

export const markInvoice = (store: Store, uuid: string, status: "PAID" | "VOID") =>
  store.transaction((tx) => tx.run("update invoices set status = ? where uuid = ?", [status, uuid]));

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

/** Every row of a table, as stored. */
export const allRows = (store: Store, table: string, orderBy = "1") =>
  store.sql.all<Record<string, unknown>>(`select * from ${table} order by ${orderBy}`);

/** The application's tables (not the migrator's). */
export const tableNames = async (store: Store): Promise<string[]> =>
  (
    await store.sql.all<{ name: string }>(
      store.dialect === "sqlite"
        ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'"
        : "select table_name as name from information_schema.tables where table_schema = 'public'",
    )
  ).map((r) => r.name);
