import type { AppRouter } from "@payreq/server/router";
import type { TRPCClient, TRPCClientError } from "@trpc/client";

export type { AppRouter };

export type PayreqClient = TRPCClient<AppRouter>;

/**
 * A refusal or failure of a call: `data.httpStatus` is the HTTP status, `data.errorCode` the first catalog code,
 * `data.errors` the same entries the REST envelope carries. Without `data` the service was not reached.
 */
export type PayreqClientError = TRPCClientError<AppRouter>;
