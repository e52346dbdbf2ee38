import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { TimelineEntry } from "../../domain/call.ts";
import { REMINDER_STATUSES } from "../../domain/reminder.ts";

const createdAt = () => integer("created_at").notNull();
const bool = (name: string) => integer(name, { mode: "boolean" }).notNull().default(false);

export const dealers = sqliteTable("dealers", {
  uuid: text("uuid").primaryKey(),
  name: text("name").notNull(),
  /** The dealer's Stripe connected account (acct_…): its customers' payments go to it, not the platform's. */
  stripeAccount: text("stripe_account"),
  /** ISO 4217, lower case, as Stripe takes it. */
  currency: text("currency").notNull().default("usd"),
  createdAt: createdAt(),
});

export const departments = sqliteTable("departments", {
  uuid: text("uuid").primaryKey(),
  dealerUuid: text("dealer_uuid")
    .notNull()
    .references(() => dealers.uuid),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const customers = sqliteTable(
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
    textOptIn: bool("text_opt_in"),
    createdAt: createdAt(),
  },
  (t) => [index("customers_dealer").on(t.dealerUuid)],
);

export const dealerAssociates = sqliteTable("dealer_associates", {
  uuid: text("uuid").primaryKey(),
  userUuid: text("user_uuid").notNull().unique(),
  departmentUuid: text("department_uuid")
    .notNull()
    .references(() => departments.uuid),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const dealerOrders = sqliteTable(
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
    amountCents: integer("amount_cents").notNull(),
    status: text("status", { enum: ["OPEN", "CLOSED"] }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("dealer_orders_number").on(t.departmentUuid, t.orderType, t.orderNumber)],
);

export const invoices = sqliteTable(
  "invoices",
  {
    uuid: text("uuid").primaryKey(),
    orderUuid: text("order_uuid")
      .notNull()
      .references(() => dealerOrders.uuid),
    departmentUuid: text("department_uuid")
      .notNull()
      .references(() => departments.uuid),
    status: text("status", { enum: ["OPEN", "PAID", "VOID"] }).notNull(),
    amountCents: integer("amount_cents").notNull(),
    description: text("description"),
    refundedAmountCents: integer("refunded_amount_cents"),
    paidDate: text("paid_date"),
    /** Set with a recorded payment (status PAID). */
    paidAmountCents: integer("paid_amount_cents"),
    /** The card processor's payment (a Stripe PaymentIntent id) when the payment came through it. */
    paymentIntentId: text("payment_intent_id"),
    signatureFileName: text("signature_file_name"),
    reminderDate: text("reminder_date"),
    reminderMileage: integer("reminder_mileage"),
    fileName: text("file_name"),
    paymentDeclines: text("payment_declines"),
    invoiceAttributes: text("invoice_attributes", { mode: "json" }).$type<Record<string, string>>(),
    attachInvoice: bool("attach_invoice"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("invoices_order").on(t.orderUuid),
    uniqueIndex("invoices_one_open_per_order").on(t.orderUuid).where(sql`status = 'OPEN'`),
  ],
);

export const paymentRequests = sqliteTable(
  "payment_requests",
  {
    uuid: text("uuid").primaryKey(),
    invoiceUuid: text("invoice_uuid")
      .notNull()
      .references(() => invoices.uuid),
    departmentUuid: text("department_uuid").notNull(),
    /** SHA-256 of the link's secret; the link also names the uuid, so no index on this column is needed. */
    tokenHash: text("token_hash").notNull(),
    expiresAt: integer("expires_at").notNull(),
    attachInvoice: bool("attach_invoice"),
    esignRequired: bool("esign_required"),
    sendAsText: bool("send_as_text"),
    sendAsEmail: bool("send_as_email"),
    textResult: text("text_result", { enum: ["SUCCESS", "FAILURE"] }),
    emailResult: text("email_result", { enum: ["SUCCESS", "FAILURE"] }),
    requestId: text("request_id").notNull(),
    /** When the customer first opened the link (payment_request.viewed). */
    viewedAt: integer("viewed_at"),
    /** When the link's expiry was noticed and its event raised (payment_request.expired). */
    expiredAt: integer("expired_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("payment_requests_invoice").on(t.invoiceUuid),
    index("payment_requests_expiring").on(t.expiresAt).where(sql`expired_at is null`),
  ],
);

export const outbox = sqliteTable(
  "outbox",
  {
    uuid: text("uuid").primaryKey(),
    paymentRequestUuid: text("payment_request_uuid")
      .notNull()
      .references(() => paymentRequests.uuid),
    customerUuid: text("customer_uuid").notNull(),
    channel: text("channel", { enum: ["text", "email"] }).notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    status: text("status", { enum: ["DELIVERED", "FAILED"] }).notNull(),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref"),
    error: text("error"),
    /** For texts: length in the encoding's units and the number of SMS segments. */
    length: integer("length"),
    segments: integer("segments"),
    /** The provider's later word on a text (its status callback): delivered, undelivered, failed. */
    providerStatus: text("provider_status"),
    providerStatusAt: integer("provider_status_at"),
    /** The payment request itself, a reminder of it, or the receipt of its payment. */
    purpose: text("purpose", { enum: ["request", "reminder", "receipt"] })
      .notNull()
      .default("request"),
    /** For emails: the file name of the invoice PDF attached. */
    attachment: text("attachment"),
    createdAt: createdAt(),
  },
  (t) => [
    index("outbox_payment_request").on(t.paymentRequestUuid),
    index("outbox_provider_ref").on(t.provider, t.providerRef).where(sql`provider_ref is not null`),
  ],
);

/**
 * One row per invoice reminder (an invoice and its reminderDate): sent at most once. It names the latest payment
 * request for the invoice, whose channels and link the reminder uses; the link is kept only while the reminder is
 * pending, and erased when it ends.
 */
export const reminders = sqliteTable(
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
    dueAt: integer("due_at").notNull(),
    status: text("status", { enum: REMINDER_STATUSES }).notNull(),
    paymentUrl: text("payment_url"),
    invoiceUrl: text("invoice_url"),
    ownerId: integer("owner_id"),
    claimedAt: integer("claimed_at"),
    attempts: integer("attempts").notNull().default(0),
    textResult: text("text_result", { enum: ["SUCCESS", "FAILURE"] }),
    emailResult: text("email_result", { enum: ["SUCCESS", "FAILURE"] }),
    reason: text("reason"),
    requestId: text("request_id"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reminders_invoice_date").on(t.invoiceUuid, t.reminderDate),
    uniqueIndex("reminders_one_pending_per_invoice").on(t.invoiceUuid).where(sql`status = 'PENDING'`),
    index("reminders_due").on(t.status, t.dueAt),
  ],
);

export const apiUsers = sqliteTable("api_users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  disabled: bool("disabled"),
  /** Raised by triggers on every change of password, status or grants: cached verifications compare it. */
  authVersion: integer("auth_version").notNull().default(0),
  createdAt: createdAt(),
  updatedAt: integer("updated_at").notNull(),
});

export const apiGrants = sqliteTable(
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

export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    requestId: text("request_id").notNull().unique(),
    receivedAt: integer("received_at").notNull(),
    /** When the row was written; never decreases with seq, so a time range is a seq range. */
    recordedAt: integer("recorded_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    transport: text("transport").notNull(),
    operation: text("operation").notNull(),
    clientAddress: text("client_address"),
    username: text("username"),
    departmentUuid: text("department_uuid"),
    outcome: text("outcome", { enum: ["SUCCESS", "REJECTED", "FAILED"] }).notNull(),
    httpStatus: integer("http_status").notNull(),
    /** The first error code, for filtering; all codes are in error_codes. */
    errorCode: integer("error_code"),
    errorCodes: text("error_codes", { mode: "json" }).$type<number[]>().notNull(),
    warningCodes: text("warning_codes", { mode: "json" }).$type<number[]>().notNull(),
    orderNumber: text("order_number"),
    orderUuid: text("order_uuid"),
    orderCreated: integer("order_created", { mode: "boolean" }),
    invoiceUuid: text("invoice_uuid"),
    invoiceCreated: integer("invoice_created", { mode: "boolean" }),
    paymentRequestUuid: text("payment_request_uuid"),
    customerUuid: text("customer_uuid"),
    textSent: text("text_sent"),
    emailSent: text("email_sent"),
    idempotencyKey: text("idempotency_key"),
    requestBody: text("request_body", { mode: "json" }),
    responseBody: text("response_body", { mode: "json" }),
    timeline: text("timeline", { mode: "json" }).$type<TimelineEntry[]>().notNull(),
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

/** Where the hash chain starts after retention pruning removed older rows. */
export const auditChainAnchors = sqliteTable("audit_chain_anchors", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  firstSeq: integer("first_seq").notNull(),
  prevHash: text("prev_hash").notNull(),
  prunedBefore: integer("pruned_before").notNull(),
  rowsRemoved: integer("rows_removed").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Set to 1 only inside the pruning transaction; the delete trigger refuses deletes otherwise. */
export const auditPruning = sqliteTable("audit_pruning", {
  id: integer("id").primaryKey(),
  active: integer("active").notNull(),
});

/** Idempotency keys (scoped to the credential): the recovery point of each keyed call and its final response. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    departmentUuid: text("department_uuid").notNull(),
    state: text("state", { enum: ["running", "finished"] }).notNull(),
    recoveryPoint: text("recovery_point", {
      enum: ["started", "order", "invoice", "prepared", "delivering", "finished"],
    }).notNull(),
    /** The process running the call and until when its claim holds; a dead owner's claim can be taken over. */
    lockedBy: integer("locked_by"),
    lockedUntil: integer("locked_until"),
    prepared: text("prepared", { mode: "json" }),
    responseStatus: integer("response_status"),
    responseBody: text("response_body", { mode: "json" }),
    firstRequestId: text("first_request_id").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("idempotency_keys_user_key").on(t.userId, t.key),
    index("idempotency_keys_created").on(t.createdAt),
  ],
);

/** A dealer's own wording of a message; kinds without a row use the defaults. */
export const messageTemplates = sqliteTable(
  "message_templates",
  {
    dealerUuid: text("dealer_uuid")
      .notNull()
      .references(() => dealers.uuid),
    kind: text("kind").notNull(),
    body: text("body").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.dealerUuid, t.kind] })],
);

/**
 * Failed sign-in attempts per throttling key (an address, a username, a username at an address), counted in a
 * fixed window that starts with the key's first failure. Keys are hashed: the table holds no addresses.
 */
export const authFailures = sqliteTable("auth_failures", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStart: integer("window_start").notNull(),
});

/**
 * Where a dealer's systems hear what happened: per department, or for every department of the dealer
 * (`department_uuid` null). The signing secret is kept to sign each attempt; after a rotation the previous one
 * signs too until it expires.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    dealerUuid: text("dealer_uuid")
      .notNull()
      .references(() => dealers.uuid),
    departmentUuid: text("department_uuid").references(() => departments.uuid),
    url: text("url").notNull(),
    /** JSON list of event types; null for all. */
    events: text("events"),
    description: text("description"),
    enabled: bool("enabled"),
    disabledReason: text("disabled_reason"),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    /** The first failed attempt since the last success: an endpoint failing for 5 days is disabled. */
    failingSince: integer("failing_since"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_dealer").on(t.dealerUuid)],
);

/**
 * Every event, written in the same transaction as the change that caused it; `body` is the JSON sent, the same
 * bytes on every attempt. The dispatcher fans each out to the endpoints that want it (`fanned_out`).
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    dealerUuid: text("dealer_uuid").notNull(),
    departmentUuid: text("department_uuid").notNull(),
    /** The call that caused it, when a call did (the console lists a call's events). */
    requestId: text("request_id"),
    paymentRequestUuid: text("payment_request_uuid"),
    body: text("body").notNull(),
    fannedOut: bool("fanned_out"),
    createdAt: createdAt(),
  },
  (t) => [
    index("webhook_events_unfanned").on(t.createdAt).where(sql`fanned_out = 0`),
    index("webhook_events_request").on(t.requestId).where(sql`request_id is not null`),
    index("webhook_events_created").on(t.dealerUuid, t.createdAt),
  ],
);

/** One event to one endpoint: pending, delivering (claimed by a process), delivered or failed. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "delivering", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    ownerId: integer("owner_id"),
    claimedUntil: integer("claimed_until"),
    /** Replayed by an operator: one attempt now, then delivered or failed (no retry schedule). */
    replaying: bool("replaying"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_due").on(t.nextAttemptAt).where(sql`status in ('pending', 'delivering')`),
    index("webhook_deliveries_endpoint").on(t.endpointId, t.createdAt),
  ],
);

/** Each attempt of a delivery: what the receiver answered, how fast. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    at: integer("at").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    response: text("response"),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId)],
);

/**
 * A Stripe Checkout Session made for a payment request: at most one open per payment request (the same amount
 * reuses it; another amount expires it first). A second paid session for an invoice already paid is refunded.
 */
export const checkoutSessions = sqliteTable(
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
    /** The connected account the session was made on, if the dealer has one. */
    stripeAccount: text("stripe_account"),
    /** The payment request's how-manieth session (part of its idempotency key). */
    number: integer("number").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    url: text("url").notNull(),
    status: text("status", { enum: ["open", "processing", "complete", "expired", "failed"] }).notNull(),
    paymentIntentId: text("payment_intent_id"),
    paidAmountCents: integer("paid_amount_cents"),
    /** A payment of an invoice already paid: refunded through the API (pending until Stripe has answered). */
    refund: text("refund", { enum: ["pending", "refunded", "failed"] }),
    refundId: text("refund_id"),
    refundError: text("refund_error"),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("checkout_sessions_payment_request").on(t.paymentRequestUuid, t.number),
    uniqueIndex("checkout_sessions_one_open").on(t.paymentRequestUuid).where(sql`status = 'open'`),
    index("checkout_sessions_payment_intent").on(t.paymentIntentId).where(sql`payment_intent_id is not null`),
    index("checkout_sessions_refund_pending").on(t.updatedAt).where(sql`refund = 'pending'`),
  ],
);

/** Each Stripe event handled, once: Stripe delivers duplicates and out of order. */
export const stripeEvents = sqliteTable(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    account: text("account"),
    /** What handling it did, for ops. */
    outcome: text("outcome").notNull(),
    /** A refund that named a payment not recorded yet: applied when that payment is. */
    deferredPaymentIntentId: text("deferred_payment_intent_id"),
    deferredRefundedCents: integer("deferred_refunded_cents"),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    index("stripe_events_deferred")
      .on(t.deferredPaymentIntentId)
      .where(sql`deferred_payment_intent_id is not null`),
  ],
);

/** The receipt of a payment, sent once by the channels of its payment request (at most once, as reminders). */
export const receipts = sqliteTable(
  "receipts",
  {
    uuid: text("uuid").primaryKey(),
    invoiceUuid: text("invoice_uuid")
      .notNull()
      .references(() => invoices.uuid),
    paymentRequestUuid: text("payment_request_uuid")
      .notNull()
      .references(() => paymentRequests.uuid),
    status: text("status", { enum: ["PENDING", "SENDING", "SENT", "UNCERTAIN", "SKIPPED"] }).notNull(),
    ownerId: integer("owner_id"),
    textResult: text("text_result", { enum: ["SUCCESS", "FAILURE"] }),
    emailResult: text("email_result", { enum: ["SUCCESS", "FAILURE"] }),
    reason: text("reason"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("receipts_invoice").on(t.invoiceUuid),
    index("receipts_open").on(t.createdAt).where(sql`status in ('PENDING', 'SENDING')`),
  ],
);
