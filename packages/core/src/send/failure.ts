import { type ErrorEnvelope, errorItem } from "@payreq/contracts";
import type { CallMeta } from "../domain/call.ts";
import { PayreqError } from "../domain/errors.ts";
import type { Logger } from "../ports/logger.ts";
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from "../ports/store.ts";

const isBusy = (error: unknown) => String((error as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY");

/** Maps any failure to a status and the envelope; unexpected ones are logged and never leak their message. */
export const toFailure = (
  deps: { logger: Logger },
  error: unknown,
  meta: Pick<CallMeta, "requestId">,
): { status: number; envelope: ErrorEnvelope; retryAfterSeconds?: number | undefined } => {
  if (error instanceof PayreqError) {
    const errors = (error as PayreqError & { errors?: ErrorEnvelope["errors"] }).errors ?? [error.item];
    return {
      status: error.status,
      envelope: { errors, warnings: [] },
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (isBusy(error)) {
    deps.logger.warn("database busy", { requestId: meta.requestId });
    return {
      status: 503,
      envelope: { errors: [errorItem("SERVICE_BUSY")], warnings: [] },
      retryAfterSeconds: 1,
    };
  }
  if (isStoreUnavailable(error)) {
    deps.logger.warn("database unavailable", { requestId: meta.requestId });
    return {
      status: 503,
      envelope: { errors: [errorItem("STORE_UNAVAILABLE")], warnings: [] },
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
    };
  }
  deps.logger.error("unexpected error", {
    requestId: meta.requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return { status: 500, envelope: { errors: [errorItem("INTERNAL_SERVER_EXCEPTION")], warnings: [] } };
};
