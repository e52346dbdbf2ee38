import { ERRORS, type ErrorName, errorItem } from "@payreq/contracts";
import { type ComponentName, type JsonObject, schemaRef } from "./schemas.ts";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad input: malformed JSON or HTTP, an invalid or unknown field, or a named object that does not exist",
  401: "Missing, malformed or wrong credentials (WWW-Authenticate is sent)",
  403: "The credential lacks the scope for this department",
  404: "Not found",
  405: "Method not allowed (Allow names the method)",
  408: "The request's headers or body did not arrive in time; the connection is closed",
  409: "A request with the same Idempotency-Key is still running; retry after Retry-After",
  413: "Body over 64 KiB",
  415: "Content-Type is not application/json",
  422: "Idempotency-Key reused with a different request",
  429: "Too many failed logins; retry after Retry-After",
  431: "Request headers over 16 KiB",
  500: "Internal error",
  502: "The payments platform failed (upstream mode); retry with the same Idempotency-Key",
  503: "Busy, too many connections, or the database is unreachable; retry after Retry-After",
  504: "The payments platform timed out (upstream mode); retry with the same Idempotency-Key",
};

/** Headers sent with some statuses: these are the ones a caller acts on. */
export const HEADERS = {
  "X-Request-Id": {
    description: "The service's id for this call, as in the body's requestId and the audit log",
    schema: { type: "string" },
  },
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer", minimum: 0 } },
  "WWW-Authenticate": { description: 'Basic realm="payment", charset="UTF-8"', schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "true when this is the stored answer to an earlier call with the same Idempotency-Key",
    schema: { type: "string", enum: ["true"] },
  },
};

type HeaderName = keyof typeof HEADERS;

const headerRefs = (names: HeaderName[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const headersFor = (status: number): HeaderName[] => [
  "X-Request-Id",
  ...(status === 401 ? (["WWW-Authenticate"] as const) : []),
  ...([409, 429, 502, 503].includes(status) ? (["Retry-After"] as const) : []),
];

/** A JSON response with the schema of a component and an example. */
export const jsonResponse = (
  description: string,
  schema: ComponentName,
  example: unknown,
  headers: HeaderName[] = [],
) => ({
  description,
  headers: headerRefs(["X-Request-Id", ...headers]),
  content: { "application/json": { schema: schemaRef(schema), example } },
});

/**
 * The error responses of an operation, one per status of the codes it can answer with: the published envelope,
 * the codes in the description, and an example of each code (its catalog message and description).
 */
export const errorResponses = (names: ErrorName[]): Record<string, JsonObject> => {
  const byStatus = new Map<number, ErrorName[]>();
  for (const name of new Set(names)) {
    const status = ERRORS[name].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        String(status),
        {
          description: `${STATUS_TEXT[status] ?? "Error"}. Codes: ${codes.map((n) => `${ERRORS[n].code} ${n}`).join(", ")}`,
          headers: headerRefs(headersFor(status)),
          content: {
            "application/json": {
              schema: schemaRef("ErrorEnvelope"),
              examples: Object.fromEntries(
                codes.map((name) => [name, { value: { errors: [errorItem(name)], warnings: [] } }]),
              ),
            },
          },
        },
      ]),
  );
};

/**
 * Every call that needs a credential can be refused for it, throttled, cut off as too slow, turned away when the
 * service holds too many connections or cannot reach its database, or fail inside.
 */
export const AUTHENTICATED_ERRORS: ErrorName[] = [
  "MALFORMED_HTTP_REQUEST",
  "NULL_CREDENTIALS",
  "WRONG_CREDENTIAL",
  "TOO_MANY_ATTEMPTS",
  "REQUEST_TIMEOUT",
  "HEADERS_TOO_LARGE",
  "INTERNAL_SERVER_EXCEPTION",
  "SERVICE_BUSY",
  "TOO_MANY_CONNECTIONS",
  "STORE_UNAVAILABLE",
];

/** A JSON body: too large, not JSON, or invalid. */
export const BODY_ERRORS: ErrorName[] = [
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "INVALID_REQUEST_DATA",
];
