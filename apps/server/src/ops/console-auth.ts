import { ERRORS, type ErrorName, Scopes } from "@payreq/contracts";
import { departmentsWithScope, type Principal, recordCall, USERNAME_PATTERN } from "@payreq/core";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import { envelopeOf } from "../http/envelope.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { linkTo } from "./filters.ts";
import { notAllowedPage } from "./pages/message-page.ts";
import { type SignInNotice, signInPage } from "./pages/sign-in-page.ts";

export const canReadAudit = (principal: Principal) => {
  const access = departmentsWithScope(principal, Scopes.auditRead);
  return access === "*" || access.length > 0;
};

/** Where to go after signing in: a console page of this server (printable ASCII, no backslash), never elsewhere. */
export const safeNext = (value: unknown): string =>
  typeof value === "string" &&
  /^\/ops(?:[/?][!-~]*)?$/.test(value) &&
  !value.includes("\\") &&
  !value.startsWith("/ops/sign-")
    ? value
    : "/ops";

const requestedPage = (c: Context) => {
  const url = new URL(c.req.url);
  return c.req.method === "GET" ? safeNext(url.pathname + url.search) : "/ops";
};

/**
 * Writes the console call's audit row (set up by auditCalls) with its status and, for a refusal, the catalog
 * entry; marks the call as audited so auditCalls adds no second row.
 */
export const recordConsoleCall = async (
  c: Context<AppEnv>,
  { core }: ConsoleDeps,
  status: number,
  refusal?: { name: ErrorName; description: string },
) => {
  const call = c.get("call");
  call.audited = true;
  await recordCall(core.deps, {
    entry: {
      meta: call.meta,
      username: call.username,
      status,
      response: refusal
        ? envelopeOf(refusal.name, { description: refusal.description })
        : { errors: [], warnings: [] },
    },
  });
};

/** Page views and plain redirects to sign in write no row: marked as audited, auditCalls leaves them be. */
const skipAudit = (c: Context<AppEnv>) => {
  c.get("call").audited = true;
};

const refuseWithSignIn = async (
  c: Context<AppEnv>,
  deps: ConsoleDeps,
  notice: SignInNotice,
  description: string,
) => {
  await recordConsoleCall(c, deps, 401, { name: "WRONG_CREDENTIAL", description });
  return c.html(signInPage({ next: requestedPage(c), notice }), 401);
};

/**
 * Every console page but sign-in: a signed, unexpired session whose credential is unchanged since it signed in.
 * Any change to the credential (password, disabled, a grant added or revoked) raises its auth_version, which
 * ends the session at the next page. A missing or expired session is sent to sign in; a forged or revoked
 * cookie, or a changed credential, is refused and audited like a failed login.
 */
export const requireSession = (deps: ConsoleDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const read = await deps.sessions.read(c);
    if (read.kind === "none" || read.kind === "expired") {
      skipAudit(c);
      if (read.kind === "expired") deps.sessions.end(c, read.session);
      const notice = read.kind === "expired" ? "expired" : undefined;
      return c.redirect(linkTo("/ops/sign-in", { next: requestedPage(c), notice }), 303);
    }
    if (read.kind === "invalid") {
      deps.sessions.end(c);
      return refuseWithSignIn(c, deps, "invalid", "The console session cookie is not valid.");
    }
    const { session } = read;
    c.get("call").username = session.username;
    const user = await deps.data.sessionPrincipal(session.userId);
    if (
      !user ||
      user.disabled ||
      user.principal.username !== session.username ||
      user.principal.authVersion !== session.authVersion
    ) {
      deps.sessions.end(c, session);
      return refuseWithSignIn(c, deps, "changed", "The credential changed or was disabled after signing in.");
    }
    if (!canReadAudit(user.principal)) {
      deps.sessions.end(c, session);
      await recordConsoleCall(c, deps, 403, {
        name: "INVALID_SCOPE_DEPARTMENT",
        description: "The credential does not hold payment.audit.read.",
      });
      return c.html(notAllowedPage(session.username), 403);
    }
    skipAudit(c);
    c.set("principal", user.principal);
    await next();
  });

/** The sign-in form's POST: the same authenticator, cache and throttling as HTTP Basic. */
export const signIn = (deps: ConsoleDeps) => async (c: Context<AppEnv>) => {
  const form = await c.req.parseBody();
  const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  const username = field("username").trim();
  const password = field("password");
  const next = safeNext(field("next"));
  const call = c.get("call");
  // A failed attempt is audited under the name tried, when it could be a username at all.
  if (USERNAME_PATTERN.test(username)) call.username = username;
  const again = (status: ContentfulStatusCode, problem: string) =>
    c.html(signInPage({ next, username: call.username, problem }), status);

  if (!username || !password) {
    deps.metrics.login({ ok: false, error: "NULL_CREDENTIALS" });
    await recordConsoleCall(c, deps, 401, {
      name: "NULL_CREDENTIALS",
      description: "The sign-in form was sent without a username or password.",
    });
    return again(401, "Enter a username and a password.");
  }
  const result = await deps.core.authenticator.authenticate(username, password, call.meta.clientAddress);
  deps.metrics.login(result);
  if (!result.ok) {
    const status = ERRORS[result.error].status as ContentfulStatusCode;
    await recordConsoleCall(c, deps, status, { name: result.error, description: "Console sign-in refused." });
    if (result.error === "WRONG_CREDENTIAL") return again(status, "The username or password is wrong.");
    c.header("Retry-After", String(result.retryAfterSeconds));
    const minutes = Math.ceil(result.retryAfterSeconds / 60);
    return again(
      status,
      result.error === "TOO_MANY_ATTEMPTS"
        ? `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`
        : "The service is busy. Try again in a moment.",
    );
  }
  if (!canReadAudit(result.principal)) {
    await recordConsoleCall(c, deps, 403, {
      name: "INVALID_SCOPE_DEPARTMENT",
      description: "The credential does not hold payment.audit.read.",
    });
    return c.html(notAllowedPage(result.principal.username), 403);
  }
  await deps.sessions.start(c, result.principal);
  await recordConsoleCall(c, deps, 303);
  return c.redirect(next, 303);
};

export const signOut = (deps: ConsoleDeps) => async (c: Context<AppEnv>) => {
  const read = await deps.sessions.read(c);
  deps.sessions.end(c, read.kind === "valid" || read.kind === "expired" ? read.session : undefined);
  return c.redirect("/ops/sign-in?notice=signed-out", 303);
};
