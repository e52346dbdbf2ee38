import { type ErrorEnvelope, type ErrorItem, errorItem } from "@payreq/contracts";
import type { Core, Principal } from "@payreq/core";
import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { CallState } from "../http/env.ts";
import type { ServiceMetrics } from "../observability/service-metrics.ts";

export type TrpcContext = {
  core: Core;
  metrics: ServiceMetrics;
  call: CallState;
  principal: Principal | undefined;
};

/**
 * What tRPC's root is declared with. The router's type, which the published client's declarations carry, then
 * names nothing of the server (core, its store, their drivers); procedures get TrpcContext from serverProcedure.
 */
type PublicContext = object;

const CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

/** Carries the published envelope through tRPC so clients get the catalog codes. */
export class EnvelopeError extends Error {
  constructor(
    readonly envelope: ErrorEnvelope,
    readonly retryAfterSeconds?: number,
  ) {
    super(envelope.errors[0]?.errorMessage ?? "error");
  }
}

export const toTrpcError = (status: number, envelope: ErrorEnvelope, retryAfterSeconds?: number) =>
  new TRPCError({
    code: CODE_BY_STATUS[status] ?? "INTERNAL_SERVER_ERROR",
    message: envelope.errors[0]?.errorMessage ?? "error",
    cause: new EnvelopeError(envelope, retryAfterSeconds),
  });

/** tRPC's own refusals (unparseable input, unknown procedure) in catalog terms. */
const catalogErrorsOf = (error: TRPCError): ErrorItem[] => {
  if (error.cause instanceof EnvelopeError) return error.cause.envelope.errors;
  switch (error.code) {
    case "BAD_REQUEST":
    case "PARSE_ERROR":
      return [errorItem("INVALID_REQUEST_DATA", { description: error.message.slice(0, 200) })];
    case "NOT_FOUND":
      return [errorItem("NOT_FOUND")];
    case "METHOD_NOT_SUPPORTED":
      return [errorItem("METHOD_NOT_ALLOWED")];
    case "PAYLOAD_TOO_LARGE":
      return [errorItem("PAYLOAD_TOO_LARGE")];
    case "UNSUPPORTED_MEDIA_TYPE":
      return [errorItem("UNSUPPORTED_MEDIA_TYPE")];
    default:
      return [errorItem("INTERNAL_SERVER_EXCEPTION")];
  }
};

const t = initTRPC.context<PublicContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const errors = catalogErrorsOf(error);
    const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
    return {
      ...shape,
      message: error.code === "INTERNAL_SERVER_ERROR" ? (errors[0]?.errorMessage ?? "error") : shape.message,
      data: { ...data, errorCode: errors[0]?.errorCode ?? 100005, errors, warnings: [] },
    };
  },
});

export const router = t.router;

/** mount-trpc's createContext builds a TrpcContext (checked there with `satisfies`). */
const serverProcedure = t.procedure.use(({ ctx, next }) => next({ ctx: ctx as TrpcContext }));

/** The caller, authenticated before tRPC parses anything (see mount-trpc.ts). */
export const authedProcedure = serverProcedure.use(async ({ ctx, next }) => {
  if (!ctx.principal) throw toTrpcError(401, { errors: [errorItem("NULL_CREDENTIALS")], warnings: [] });
  return next({ ctx: { principal: ctx.principal } });
});

/** A refusal made before tRPC runs, in the same shape as the errorFormatter's, so clients decode it alike. */
export const trpcErrorBody = (status: number, envelope: ErrorEnvelope, path: string) => {
  const code = CODE_BY_STATUS[status] ?? "INTERNAL_SERVER_ERROR";
  return {
    error: {
      message: envelope.errors[0]?.errorMessage ?? "error",
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: {
        code,
        httpStatus: status,
        path,
        errorCode: envelope.errors[0]?.errorCode ?? 100005,
        errors: envelope.errors,
        warnings: [],
      },
    },
  };
};

/**
 * Gives the procedure its input type from the contracts without validating: core validates every call, so REST
 * and tRPC share one set of rules, one error format and one audit row.
 */
export const typedInput =
  <T>() =>
  (input: unknown): T =>
    input as T;
