import { ERRORS, type ErrorEnvelope, type ErrorName, errorItem } from "@payreq/contracts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const WWW_AUTHENTICATE = 'Basic realm="payment", charset="UTF-8"';

export const envelopeOf = (
  name: ErrorName,
  detail: { message?: string; description?: string } = {},
): ErrorEnvelope => ({
  errors: [errorItem(name, detail)],
  warnings: [],
});

/** A response in the published envelope with the catalog's status. */
export const errorResponse = (
  c: Context,
  name: ErrorName,
  detail: { message?: string; description?: string } = {},
) => {
  if (ERRORS[name].status === 401) c.header("WWW-Authenticate", WWW_AUTHENTICATE);
  return c.json(envelopeOf(name, detail), ERRORS[name].status as ContentfulStatusCode);
};

export const envelopeResponse = (c: Context, status: number, body: unknown, retryAfterSeconds?: number) => {
  if (retryAfterSeconds !== undefined) c.header("Retry-After", String(retryAfterSeconds));
  if (status === 401) c.header("WWW-Authenticate", WWW_AUTHENTICATE);
  return c.json(body, status as ContentfulStatusCode);
};
