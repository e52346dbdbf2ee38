// @payreq/core's public surface: what the server, the client and other callers use. Internals (SQL helpers, the
// steps' statements) are not exported; the bench's measurements of them go through ./profiling.ts.

export { sendForInvoice } from "./api-v4/send-for-invoice.ts";
export { createUpstreamApi, type UpstreamApi, type V4Result } from "./api-v4/v4-operations.ts";
export { pruneAuditLog } from "./audit/prune-audit.ts";
export { type AuditAccess, auditStats, getAuditRecord, listAuditRecords } from "./audit/query-audit.ts";
export {
  isAuditedRefusal,
  type ReadResult,
  readAuditList,
  readAuditRecord,
  readAuditStats,
} from "./audit/read-audit-log.ts";
export { type ChainReport, verifyAuditChain } from "./audit/verify-chain.ts";
export { outcomeOf } from "./audit/write-audit.ts";
export type { Authenticator } from "./auth/authenticator.ts";
export { CredentialError, createCredentialStore, USERNAME_PATTERN } from "./auth/credential-store.ts";
export { DEFAULT_SCRYPT } from "./auth/password-hash.ts";
export { departmentsWithScope, type Principal } from "./auth/principal.ts";
export { type Core, type CoreOptions, createCore, DEFAULT_DELIVERY_TIMEOUT_MS } from "./create-core.ts";
export { type DemoData, seedDemo } from "./demo/seed-demo.ts";
export type { CallMeta, TimelineEntry, Transport } from "./domain/call.ts";
export { PayreqError } from "./domain/errors.ts";
export { createUuidV7Generator } from "./domain/ids.ts";
export { formatMoney } from "./domain/money.ts";
export { maskPaymentTokens } from "./domain/redact.ts";
export { REMINDER_STATUSES, type ReminderStatus } from "./domain/reminder.ts";
export { findPaymentPage, type PaymentPage } from "./invoices/find-payment-page.ts";
export { invoiceFileName } from "./invoices/invoice-document.ts";
export { renderInvoicePdf } from "./invoices/invoice-pdf.ts";
export { recordPageView } from "./invoices/payment-page-views.ts";
export {
  getInvoiceState,
  type InvoiceState,
  invoiceBody,
  invoiceDepartment,
  paymentChangeOf,
  recordInvoicePayment,
  voidInvoice,
} from "./invoices/record-payment.ts";
export { listOutbox, type OutboxEntry } from "./notify/list-outbox.ts";
export { type MessageStatusOutcome, recordMessageStatus } from "./notify/message-status.ts";
export { createNotifier, type NotifierSettings } from "./notify/senders/create-notifier.ts";
export { createTemplateStore, TemplateError } from "./notify/template-store.ts";
export { TEMPLATE_KINDS } from "./notify/templates.ts";
export { isPostgresUrl, openStore, type StoreOptions } from "./open-store.ts";
export { type ConsolePayment, listConsolePayments } from "./ops/console-payments.ts";
export {
  type ConsoleMessage,
  customerName,
  type DeliveryRate,
  type DepartmentName,
  deliveryRates,
  listConsoleMessages,
  type MessagePage,
  readableDepartments,
  type SessionUser,
  sessionUser,
} from "./ops/console-reads.ts";
export {
  eventsOfCall,
  listConsoleDeliveries,
  listConsoleEndpoints,
  replayFromConsole,
} from "./ops/console-webhooks.ts";
export { resendUncertainMessage } from "./ops/resend-message.ts";
export type { CheckoutOutcome } from "./payments/checkout.ts";
export { type CheckoutSessionRow, listSessions } from "./payments/checkout-rows.ts";
export {
  dealerPaymentSettings,
  getDealerPaymentSettings,
  setDealerStripeAccount,
} from "./payments/dealer-payment-settings.ts";
export type { EventHandled } from "./payments/processor-events.ts";
export { createStripeProcessor, type StripeSettings } from "./payments/stripe/stripe-processor.ts";
export { expireLinks } from "./platform/embedded/link-expiry.ts";
export type { BreakerState } from "./platform/upstream/circuit-breaker.ts";
export { createUpstreamPlatform } from "./platform/upstream/upstream-platform.ts";
export type { UpstreamSettings } from "./platform/upstream/v4-client.ts";
export {
  type CardProcessor,
  ProcessorError,
  type ProcessorEvent,
  ProcessorSignatureError,
} from "./ports/card-processor.ts";
export { type Clock, type IdGenerator, systemClock } from "./ports/clock.ts";
export { type LogFields, type Logger, silentLogger } from "./ports/logger.ts";
export { type Metrics, noMetrics, type PaymentResult, type WebhookAttemptResult } from "./ports/metrics.ts";
export type { Notifier } from "./ports/notifier.ts";
export type { PaymentsPlatform } from "./ports/platform.ts";
export {
  type BucketCounts,
  isStoreUnavailable,
  type SqlParam,
  STORE_RETRY_AFTER_SECONDS,
  type Store,
} from "./ports/store.ts";
export type { WebhookSender } from "./ports/webhook-sender.ts";
export { listReminders } from "./reminders/reminder-rows.ts";
export { type ReminderDeps, sendDueReminders } from "./reminders/send-due-reminders.ts";
export { recordCall } from "./send/record-call.ts";
export { type SendResult, sendPaymentRequest } from "./send/send-payment-request.ts";
export { SchemaBehindError } from "./store/schema-version.ts";
export { openSqliteStore, type SqliteStore } from "./store/sqlite/open-sqlite.ts";
export { backlogOf, type DeliveryFilter, listDeliveries } from "./webhooks/delivery-rows.ts";
export {
  createWebhookDispatcher,
  DEFAULT_DISPATCHER_SETTINGS,
  type DispatcherSettings,
  type WebhookDispatcher,
} from "./webhooks/dispatcher.ts";
export { departmentOfEndpoint, endpointsOfDepartment, toEndpoint } from "./webhooks/endpoint-rows.ts";
export { createHttpWebhookSender } from "./webhooks/http/http-webhook-sender.ts";
export type { ManageResult, WebhookApi } from "./webhooks/manage-endpoints.ts";
export { DEFAULT_RETRY_SCHEDULE_MS } from "./webhooks/retry-schedule.ts";
