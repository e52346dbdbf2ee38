// Internals the bench measures one by one (bench/src/profile-call.ts, chain-cost.ts, writer-floor.ts): the steps'
// functions, the audit row's columns and hash. Not an API: they change with the code they measure.

export { type AuditColumns, appendToChain, chainHead, hashAuditRow } from "./audit/hash-chain.ts";
export { toAuditColumns } from "./audit/write-audit.ts";
export { AuditTrail } from "./domain/call.ts";
export { invoiceFieldsOf, orderRequestOf } from "./domain/request-fields.ts";
export { insertOutbox } from "./notify/outbox-rows.ts";
export { DEFAULT_TEMPLATES, renderEmail, renderText } from "./notify/templates.ts";
export { createPaymentRequest } from "./platform/embedded/create-payment-request.ts";
export { ensureOpenInvoice } from "./platform/embedded/ensure-open-invoice.ts";
export { resolveOrder } from "./platform/embedded/resolve-order.ts";
export { dialectOf } from "./ports/dialect.ts";
