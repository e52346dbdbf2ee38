import type * as Contracts from "@payreq/contracts";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./router-types.ts";

/**
 * The contracts' types under their own names. Re-exported directly, each name would also carry its zod schema
 * into the bundled declarations as a value that the JavaScript does not export.
 *
 * What the procedures answer is typed as the client receives it, after JSON: a field the contracts type as
 * `unknown` (an audit record's request and response bodies) may be absent there, so it is optional.
 */
type Outputs = inferRouterOutputs<AppRouter>;
export type AuditGetQuery = Contracts.AuditGetQuery;
export type AuditListQuery = Contracts.AuditListQuery;
export type AuditListResponse = Outputs["audit"]["list"];
export type AuditOutcome = Contracts.AuditOutcome;
export type AuditRecord = Outputs["audit"]["get"];
export type AuditRecordSummary = AuditListResponse["records"][number];
export type AuditStatsQuery = Contracts.AuditStatsQuery;
export type AuditStatsResponse = Outputs["audit"]["stats"];
export type CatalogEntry = Contracts.CatalogEntry;
export type DeliveryResult = Contracts.DeliveryResult;
export type ErrorEnvelope = Contracts.ErrorEnvelope;
export type ErrorItem = Contracts.ErrorItem;
export type SendPaymentRequestInput = Contracts.SendPaymentRequestInput;
export type SendPaymentRequestResponse = Outputs["paymentRequests"]["send"];
export type WarningItem = Contracts.WarningItem;
