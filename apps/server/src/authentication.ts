import type { ErrorName } from "@payreq/contracts";
import type { Principal } from "@payreq/core";

/** How a credential check of either transport ended: the principal, or the refusal with its catalog name. */
export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; error: ErrorName; retryAfterSeconds?: number | undefined };
