import { type Core, isStoreUnavailable, STORE_RETRY_AFTER_SECONDS, USERNAME_PATTERN } from "@payreq/core";
import { createMiddleware } from "hono/factory";
import type { Authentication } from "../authentication.ts";
import { parseBasicAuthorization } from "./basic-credentials.ts";
import type { AppDeps, AppEnv, CallState } from "./env.ts";
import { errorResponse } from "./envelope.ts";

/** The one authentication path of both transports: parse the Basic header, verify the credential. */
export const authenticateHeader = async (
  { core, metrics }: AppDeps,
  header: string | undefined,
  call: CallState,
): Promise<Authentication> => {
  const result = await verifyHeader(core, header, call);
  metrics.login(result);
  return result;
};

const verifyHeader = async (
  core: Core,
  header: string | undefined,
  call: CallState,
): Promise<Authentication> => {
  const credentials = parseBasicAuthorization(header);
  if (!credentials) return { ok: false, error: "NULL_CREDENTIALS" };
  // A failed attempt is audited under the name tried, when it could be a username at all.
  if (USERNAME_PATTERN.test(credentials.username)) call.username = credentials.username;
  try {
    return await core.authenticator.authenticate(
      credentials.username,
      credentials.password,
      call.meta.clientAddress,
    );
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error;
    return { ok: false, error: "STORE_UNAVAILABLE", retryAfterSeconds: STORE_RETRY_AFTER_SECONDS };
  }
};

/** REST: the refusal in the envelope (401 with WWW-Authenticate, 429/503 with Retry-After), or the principal. */
export const authenticate = (deps: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const result = await authenticateHeader(deps, c.req.header("authorization"), c.get("call"));
    if (!result.ok) {
      if (result.retryAfterSeconds !== undefined) c.header("Retry-After", String(result.retryAfterSeconds));
      return errorResponse(c, result.error);
    }
    c.set("principal", result.principal);
    await next();
  });
