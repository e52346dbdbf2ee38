import { ERRORS, type ErrorItem, type ErrorName, errorItem } from "@payreq/contracts";

/** The one error type of the domain: a catalog entry, optionally with a more precise message and description. */
export class PayreqError extends Error {
  readonly item: ErrorItem;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly errorName: ErrorName,
    detail: { message?: string; description?: string; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(detail.message ?? ERRORS[errorName].message, { cause: detail.cause });
    this.name = "PayreqError";
    this.item = errorItem(errorName, detail);
    this.status = ERRORS[errorName].status;
    this.retryAfterSeconds = detail.retryAfterSeconds;
  }
}
