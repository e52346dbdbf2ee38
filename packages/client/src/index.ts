import type { AppRouter } from "@payreq/server/router";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";

export type { AppRouter };
export type PayreqClient = TRPCClient<AppRouter>;

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

/**
 * A typed tRPC client for internal apps: `client.paymentRequests.send.mutate({ departmentUuid, ...body })`.
 * One HTTP request per call (no batching), so each call has its own request id and audit row.
 * Errors are TRPCClientError whose `data.errors` holds the catalog entries (`data.errorCode` the first code).
 */
export const createPayreqClient = (options: PayreqClientOptions): PayreqClient => {
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, "utf8").toString("base64")}`;
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
