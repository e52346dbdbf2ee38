import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter, PayreqClient } from "./router-types.ts";

export { ERRORS, WARNINGS } from "@payreq/contracts";
export type {
  AuditGetQuery,
  AuditListQuery,
  AuditListResponse,
  AuditOutcome,
  AuditRecord,
  AuditRecordSummary,
  AuditStatsQuery,
  AuditStatsResponse,
  CatalogEntry,
  DeliveryResult,
  ErrorEnvelope,
  ErrorItem,
  SendPaymentRequestInput,
  SendPaymentRequestResponse,
  WarningItem,
} from "./contract-types.ts";
export { isPayreqError, type RetryAdvice, retryAdvice } from "./retry.ts";
export type { AppRouter, PayreqClient, PayreqClientError } from "./router-types.ts";

export type PayreqClientOptions = {
  /** The service's base URL, e.g. http://127.0.0.1:3000 (the tRPC endpoint is /trpc under it). */
  url: string;
  username: string;
  password: string;
  /** For tests or custom agents; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers per call, e.g. an X-Request-Id of the caller's own. */
  headers?: () => Record<string, string>;
};

/** RFC 7617 with UTF-8, without Node's Buffer so the client runs wherever fetch does. */
const basicAuthorization = (username: string, password: string) => {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(""))}`;
};

/**
 * A typed tRPC client: `paymentRequests.send.mutate({ departmentUuid, idempotencyKey, ...body })`,
 * `audit.list.query(filters)`, `audit.get.query({ requestId })`, `audit.stats.query(range)`.
 * One HTTP request per call (no batching), so each call has its own request id and audit row.
 * Failures are PayreqClientError; `retryAdvice(error)` says whether and when to repeat one.
 */
export const createPayreqClient = (options: PayreqClientOptions): PayreqClient => {
  const authorization = basicAuthorization(options.username, options.password);
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, "")}/trpc`,
        headers: () => ({ ...options.headers?.(), Authorization: authorization }),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
};
