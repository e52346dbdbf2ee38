import type { ErrorName } from "@payreq/contracts";
import { type Core, type Principal, USERNAME_PATTERN } from "@payreq/core";
import { createMiddleware } from "hono/factory";
import { parseBasicAuthorization } from "./basic-credentials.ts";
import type { AppDeps, AppEnv, CallState } from "./env.ts";
import { errorResponse } from "./envelope.ts";

export type Authentication = { ok: true; principal: Principal } | { ok: false; error: ErrorName };

/** The one authentication path of both transports: parse the Basic header, verify the credential. */
export const authenticateHeader = async (
  core: Core,
  header: string | undefined,
  call: CallState,
): Promise<Authentication> => {
  const credentials = parseBasicAuthorization(header);
  if (!credentials) return { ok: false, error: "NULL_CREDENTIALS" };
  // A failed attempt is audited under the name tried, when it could be a username at all.
  if (USERNAME_PATTERN.test(credentials.username)) call.username = credentials.username;
  const principal = await core.credentials.verify(credentials.username, credentials.password);
  return principal ? { ok: true, principal } : { ok: false, error: "WRONG_CREDENTIAL" };
};

/** REST: 401 in the envelope with WWW-Authenticate, or the principal in the context. */
export const authenticate = ({ core }: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const result = await authenticateHeader(core, c.req.header("authorization"), c.get("call"));
    if (!result.ok) return errorResponse(c, result.error);
    c.set("principal", result.principal);
    await next();
  });
