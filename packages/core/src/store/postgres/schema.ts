import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * The same tables as the SQLite schema, column for column, so one set of statements serves both stores: epoch
 * milliseconds in bigint, flags as 0/1 smallints (the audit hash covers them as numbers in both), JSON as text
 * (the hash covers the text as written, and jsonb would reorder it).
 */
const ms = (name: string) => bigint(name, { mode: "number" });
const createdAt = () => ms("created_at").notNull();
const flag = (name: string) => smallint(name).notNull().default(0);

export const dealers = pgTable("dealers", {
  uuid: text("uuid").primaryKey(),
  name: text("name").notNull(),
  stripeAccount: text("stripe_account"),
  currency: text("currency").notNull().default("usd"),
  createdAt: createdAt(),
});

export const departments = pgTable("departments", {
  uuid: text("uuid").primaryKey(),
  dealerUuid: text("dealer_uuid")
    .notNull()
    .references(() => dealers.uuid),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const customers = pgTable(
  "customers",
  {
    uuid: text("uuid").primaryKey(),
    dealerUuid: text("dealer_uuid")
      .notNull()
      .references(() => dealers.uuid),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    phone: text("phone"),
    email: text("email"),
    textOptIn: flag("text_opt_in"),
    createdAt: createdAt(),
  },
  (t) => [index("customers_dealer").on(t.dealerUuid)],
);

export const dealerAssociates = pgTable("dealer_associates", {
  uuid: text("uuid").primaryKey(),
  userUuid: text("user_uuid").notNull().unique(),
  departmentUuid: text("department_uuid")
    .notNull()
    .references(() => departments.uuid),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const dealerOrders = pgTable(
  "dealer_orders",
  {
    uuid: text("uuid").primaryKey(),
    departmentUuid: text("department_uuid")
      .notNull()
      .references(() => departments.uuid),
    orderType: text("order_type").notNull(),
    orderNumber: text("order_number").notNull(),
    customerUuid: text("customer_uuid")
      .notNull()
      .references(() => customers.uuid),
    dealerAssociateUuid: text("dealer_associate_uuid").references(() => dealerAssociates.uuid),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    status: text("status").notNull(),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [uniqueIndex("dealer_orders_number").on(t.departmentUuid, t.orderType, t.orderNumber)],
);

export const invoices = pgTable(
  "invoices",
  {
    uuid: text("uuid").primaryKey(),
    orderUuid: text("order_uuid")
      .notNull()
      .references(() => dealerOrders.uuid),
    departmentUuid: text("department_uuid")
      .notNull()
      .references(() => departments.uuid),
    status: text("status").notNull(),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    description: text("description"),
    refundedAmountCents: bigint("refunded_amount_cents", { mode: "number" }),
    paidDate: text("paid_date"),
    paidAmountCents: bigint("paid_amount_cents", { mode: "number" }),
    paymentIntentId: text("payment_intent_id"),
    signatureFileName: text("signature_file_name"),
    reminderDate: text("reminder_date"),
    reminderMileage: bigint("reminder_mileage", { mode: "number" }),
    fileName: text("file_name"),
    paymentDeclines: text("payment_declines"),
    invoiceAttributes: text("invoice_attributes"),
    attachInvoice: flag("attach_invoice"),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    index("invoices_order").on(t.orderUuid),
    uniqueIndex("invoices_one_open_per_order").on(t.orderUuid).where(sql`status = 'OPEN'`),
  ],
);

export const paymentRequests = pgTable(
  "payment_requests",
  {
    uuid: text("uuid").primaryKey(),
    invoiceUuid: text("invoice_uuid")
      .notNull()
      .references(() => invoices.uuid),
    departmentUuid: text("department_uuid").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: ms("expires_at").notNull(),
    attachInvoice: flag("attach_invoice"),
    esignRequired: flag("esign_required"),
    sendAsText: flag("send_as_text"),
    sendAsEmail: flag("send_as_email"),
    textResult: text("text_result"),
    emailResult: text("email_result"),
    requestId: text("request_id").notNull(),
    viewedAt: ms("viewed_at"),
    expiredAt: ms("expired_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("payment_requests_invoice").on(t.invoiceUuid),
    index("payment_requests_expiring").on(t.expiresAt).where(sql`expired_at is null`),
  ],
);

export const outbox = pgTable(
  "outbox",
  {
    uuid: text("uuid").primaryKey(),
    paymentRequestUuid: text("payment_request_uuid")
      .notNull()
      .references(() => paymentRequests.uuid),
    customerUuid: text("customer_uuid").notNull(),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    status: text("status").notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    error: text("error"),
    length: integer("length"),
    segments: integer("segments"),
    providerStatus: text("provider_status"),
    providerStatusAt: ms("provider_status_at"),
    purpose: text("purpose").notNull().default("request"),
    attachment: text("attachment"),
    createdAt: createdAt(),
  },
  (t) => [
    index("outbox_payment_request").on(t.paymentRequestUuid),
    index("outbox_provider_ref").on(t.provider, t.providerRef).where(sql`provider_ref is not null`),
  ],
);

export const reminders = pgTable(
  "reminders",
  {
    uuid: text("uuid").primaryKey(),
    invoiceUuid: text("invoice_uuid")
      .notNull()
      .references(() => invoices.uuid),
    departmentUuid: text("department_uuid").notNull(),
    paymentRequestUuid: text("payment_request_uuid")
      .notNull()
      .references(() => paymentRequests.uuid),
    reminderDate: text("reminder_date").notNull(),
    dueAt: ms("due_at").notNull(),
    status: text("status").notNull(),
    paymentUrl: text("payment_url"),
    invoiceUrl: text("invoice_url"),
    ownerId: bigint("owner_id", { mode: "number" }),
    claimedAt: ms("claimed_at"),
    attempts: integer("attempts").notNull().default(0),
    textResult: text("text_result"),
    emailResult: text("email_result"),
    reason: text("reason"),
    requestId: text("request_id"),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reminders_invoice_date").on(t.invoiceUuid, t.reminderDate),
    uniqueIndex("reminders_one_pending_per_invoice").on(t.invoiceUuid).where(sql`status = 'PENDING'`),
    index("reminders_due").on(t.status, t.dueAt),
  ],
);

export const apiUsers = pgTable("api_users", {
  id: serial("id").primaryKey(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  disabled: flag("disabled"),
  authVersion: integer("auth_version").notNull().default(0),
  createdAt: createdAt(),
  updatedAt: ms("updated_at").notNull(),
});

export const apiGrants = pgTable(
  "api_grants",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => apiUsers.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    departmentUuid: text("department_uuid").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scope, t.departmentUuid] })],
);

export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    requestId: text("request_id").notNull().unique(),
    receivedAt: ms("received_at").notNull(),
    recordedAt: ms("recorded_at").notNull(),
    durationMs: bigint("duration_ms", { mode: "number" }).notNull(),
    transport: text("transport").notNull(),
    operation: text("operation").notNull(),
    clientAddress: text("client_address"),
    username: text("username"),
    departmentUuid: text("department_uuid"),
    outcome: text("outcome").notNull(),
    httpStatus: integer("http_status").notNull(),
    errorCode: integer("error_code"),
    errorCodes: text("error_codes").notNull(),
    warningCodes: text("warning_codes").notNull(),
    orderNumber: text("order_number"),
    orderUuid: text("order_uuid"),
    orderCreated: smallint("order_created"),
    invoiceUuid: text("invoice_uuid"),
    invoiceCreated: smallint("invoice_created"),
    paymentRequestUuid: text("payment_request_uuid"),
    customerUuid: text("customer_uuid"),
    textSent: text("text_sent"),
    emailSent: text("email_sent"),
    idempotencyKey: text("idempotency_key"),
    requestBody: text("request_body"),
    responseBody: text("response_body"),
    timeline: text("timeline").notNull(),
    prevHash: text("prev_hash").notNull(),
    rowHash: text("row_hash").notNull(),
  },
  (t) => [
    index("audit_recorded").on(t.recordedAt),
    index("audit_department").on(t.departmentUuid, t.seq),
    index("audit_username").on(t.username, t.seq),
    index("audit_outcome").on(t.outcome, t.seq),
    index("audit_status").on(t.httpStatus, t.seq),
    // Sparse columns: a row without the value is in no index entry (most rows succeed, and most calls carry no key).
    index("audit_error_code").on(t.errorCode, t.seq).where(sql`error_code is not null`),
    index("audit_order_number").on(t.orderNumber, t.seq),
    index("audit_order").on(t.orderUuid, t.seq),
    index("audit_invoice").on(t.invoiceUuid, t.seq),
    index("audit_customer").on(t.customerUuid, t.seq),
    index("audit_idempotency_key").on(t.idempotencyKey, t.seq).where(sql`idempotency_key is not null`),
  ],
);

export const auditChainAnchors = pgTable("audit_chain_anchors", {
  id: serial("id").primaryKey(),
  firstSeq: bigint("first_seq", { mode: "number" }).notNull(),
  prevHash: text("prev_hash").notNull(),
  prunedBefore: ms("pruned_before").notNull(),
  rowsRemoved: bigint("rows_removed", { mode: "number" }).notNull(),
  createdAt: createdAt(),
});

export const auditPruning = pgTable("audit_pruning", {
  id: integer("id").primaryKey(),
  active: integer("active").notNull(),
});

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    id: serial("id").primaryKey(),
    userId: integer("user_id").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    departmentUuid: text("department_uuid").notNull(),
    state: text("state").notNull(),
    recoveryPoint: text("recovery_point").notNull(),
    lockedBy: bigint("locked_by", { mode: "number" }),
    lockedUntil: ms("locked_until"),
    prepared: text("prepared"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    firstRequestId: text("first_request_id").notNull(),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("idempotency_keys_user_key").on(t.userId, t.key),
    index("idempotency_keys_created").on(t.createdAt),
  ],
);

export const messageTemplates = pgTable(
  "message_templates",
  {
    dealerUuid: text("dealer_uuid")
      .notNull()
      .references(() => dealers.uuid),
    kind: text("kind").notNull(),
    body: text("body").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.dealerUuid, t.kind] })],
);

export const authFailures = pgTable("auth_failures", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStart: ms("window_start").notNull(),
});

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    dealerUuid: text("dealer_uuid")
      .notNull()
      .references(() => dealers.uuid),
    departmentUuid: text("department_uuid").references(() => departments.uuid),
    url: text("url").notNull(),
    events: text("events"),
    description: text("description"),
    enabled: flag("enabled"),
    disabledReason: text("disabled_reason"),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: ms("previous_secret_expires_at"),
    failingSince: ms("failing_since"),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_dealer").on(t.dealerUuid)],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    dealerUuid: text("dealer_uuid").notNull(),
    departmentUuid: text("department_uuid").notNull(),
    requestId: text("request_id"),
    paymentRequestUuid: text("payment_request_uuid"),
    body: text("body").notNull(),
    fannedOut: flag("fanned_out"),
    createdAt: createdAt(),
  },
  (t) => [
    index("webhook_events_unfanned").on(t.createdAt).where(sql`fanned_out = 0`),
    index("webhook_events_request").on(t.requestId).where(sql`request_id is not null`),
    index("webhook_events_created").on(t.dealerUuid, t.createdAt),
  ],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ms("next_attempt_at"),
    ownerId: bigint("owner_id", { mode: "number" }),
    claimedUntil: ms("claimed_until"),
    /** Replayed by an operator: one attempt now, then delivered or failed (no retry schedule). */
    replaying: flag("replaying"),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_due").on(t.nextAttemptAt).where(sql`status in ('pending', 'delivering')`),
    index("webhook_deliveries_endpoint").on(t.endpointId, t.createdAt),
  ],
);

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: serial("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    at: ms("at").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    response: text("response"),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId)],
);

export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    id: text("id").primaryKey(),
    paymentRequestUuid: text("payment_request_uuid")
      .notNull()
      .references(() => paymentRequests.uuid),
    invoiceUuid: text("invoice_uuid")
      .notNull()
      .references(() => invoices.uuid),
    dealerUuid: text("dealer_uuid").notNull(),
    stripeAccount: text("stripe_account"),
    number: integer("number").notNull(),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    url: text("url").notNull(),
    status: text("status").notNull(),
    paymentIntentId: text("payment_intent_id"),
    paidAmountCents: bigint("paid_amount_cents", { mode: "number" }),
    refund: text("refund"),
    refundId: text("refund_id"),
    refundError: text("refund_error"),
    expiresAt: ms("expires_at").notNull(),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    index("checkout_sessions_payment_request").on(t.paymentRequestUuid, t.number),
    uniqueIndex("checkout_sessions_one_open").on(t.paymentRequestUuid).where(sql`status = 'open'`),
    index("checkout_sessions_payment_intent").on(t.paymentIntentId).where(sql`payment_intent_id is not null`),
    index("checkout_sessions_refund_pending").on(t.updatedAt).where(sql`refund = 'pending'`),
  ],
);

export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    account: text("account"),
    outcome: text("outcome").notNull(),
    deferredPaymentIntentId: text("deferred_payment_intent_id"),
    deferredRefundedCents: bigint("deferred_refunded_cents", { mode: "number" }),
    receivedAt: ms("received_at").notNull(),
  },
  (t) => [
    index("stripe_events_deferred")
      .on(t.deferredPaymentIntentId)
      .where(sql`deferred_payment_intent_id is not null`),
  ],
);

export const receipts = pgTable(
  "receipts",
  {
    uuid: text("uuid").primaryKey(),
    invoiceUuid: text("invoice_uuid")
      .notNull()
      .references(() => invoices.uuid),
    paymentRequestUuid: text("payment_request_uuid")
      .notNull()
      .references(() => paymentRequests.uuid),
    status: text("status").notNull(),
    ownerId: bigint("owner_id", { mode: "number" }),
    textResult: text("text_result"),
    emailResult: text("email_result"),
    reason: text("reason"),
    createdAt: createdAt(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("receipts_invoice").on(t.invoiceUuid),
    index("receipts_open").on(t.createdAt).where(sql`status in ('PENDING', 'SENDING')`),
  ],
);
