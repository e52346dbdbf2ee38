import type * as Contracts from "@payreq/contracts";

/**
 * The contracts' types under their own names. Re-exported directly, each name would also carry its zod schema
 * into the bundled declarations as a value that the JavaScript does not export.
 */
export type AuditGetQuery = Contracts.AuditGetQuery;
export type AuditListQuery = Contracts.AuditListQuery;
export type AuditListResponse = Contracts.AuditListResponse;
export type AuditOutcome = Contracts.AuditOutcome;
export type AuditRecord = Contracts.AuditRecord;
export type AuditRecordSummary = Contracts.AuditRecordSummary;
export type AuditStatsQuery = Contracts.AuditStatsQuery;
export type AuditStatsResponse = Contracts.AuditStatsResponse;
export type CatalogEntry = Contracts.CatalogEntry;
export type DeliveryResult = Contracts.DeliveryResult;
export type ErrorEnvelope = Contracts.ErrorEnvelope;
export type ErrorItem = Contracts.ErrorItem;
export type SendPaymentRequestInput = Contracts.SendPaymentRequestInput;
export type SendPaymentRequestResponse = Contracts.SendPaymentRequestResponse;
export type WarningItem = Contracts.WarningItem;
