import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { every } from "hono/combine";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { auditCalls } from "../http/audit-calls.ts";
import type { AppDeps, AppEnv } from "../http/env.ts";
import { PAGE_CSP, pageSecurityHeaders } from "../http/security-headers.ts";
import { registerAssetRoutes } from "./asset-routes.ts";
import { registerCallsRoutes } from "./calls-routes.ts";
import { requireSession, safeNext, signIn, signOut } from "./console-auth.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { createOpsData } from "./ops-data.ts";
import { registerOutboxRoutes } from "./outbox-routes.ts";
import { registerOverviewRoutes } from "./overview-routes.ts";
import { messagePage } from "./pages/message-page.ts";
import { isSignInNotice, signInPage } from "./pages/sign-in-page.ts";
import { registerPaymentRoutes } from "./payments-routes.ts";
import { createSessions } from "./session.ts";
import { registerWebhookRoutes } from "./webhooks-routes.ts";

export type OpsConsoleOptions = {
  /** HMAC key for session cookies; random per process by default, so a restart signs everyone out. */
  sessionSecret?: Uint8Array;
};

const FORM_LIMIT = bodyLimit({
  maxSize: 16 * 1024,
  onError: (c) => c.text("The form is too large.", 413),
});

/** The ops console at /ops: sign-in, overview, calls, one call, outbox, CSV exports. */
export const createOpsConsole = (appDeps: AppDeps, options: OpsConsoleOptions = {}) => {
  const { core, hsts, opsSessionSecret, metrics } = appDeps;
  const data = createOpsData(core);
  const deps: ConsoleDeps = {
    core,
    metrics,
    data,
    sessions: createSessions({
      clock: core.clock,
      secret:
        options.sessionSecret ?? (opsSessionSecret ? new TextEncoder().encode(opsSessionSecret) : undefined),
      // Behind a TLS terminator the request reaches the service as http: the HSTS setting says it is https outside.
      alwaysSecure: hsts ?? false,
    }),
    chain: appDeps.chain,
  };
  const ops = new Hono<AppEnv>();
  // Its pages load only the app's own stylesheet and script; the app's headers keep pages out of caches.
  ops.use("*", pageSecurityHeaders(PAGE_CSP, { hsts: hsts ?? false }));
  registerAssetRoutes(ops);

  const audited = (operation: string) => auditCalls(appDeps, "rest", () => operation);
  const guard = every(audited("ops.page"), requireSession(deps));
  // Forms post only from the console's own pages: SameSite=Strict keeps the cookie off cross-site posts, and
  // the Origin / Sec-Fetch-Site check refuses them before anything runs.
  const form = every(csrf(), FORM_LIMIT);

  ops.get("/sign-in", (c) => {
    const notice = c.req.query("notice");
    return c.html(
      signInPage({
        next: safeNext(c.req.query("next")),
        notice: isSignInNotice(notice) ? notice : undefined,
      }),
    );
  });
  ops.post("/sign-in", form, audited("ops.sign-in"), signIn(deps));
  ops.post("/sign-out", form, signOut(deps));
  registerOverviewRoutes(ops, deps, guard, every(form, guard));
  registerCallsRoutes(ops, deps, guard);
  registerOutboxRoutes(ops, deps, guard, every(form, guard));
  registerWebhookRoutes(ops, deps, guard, every(form, guard));
  registerPaymentRoutes(ops, deps, guard);

  ops.all("*", (c) => c.html(messagePage({ title: "Not found" }, "No such page", ["Go to /ops."]), 404));
  ops.onError((error, c) => {
    if (error instanceof HTTPException) {
      const heading = error.status === 403 ? "Refused: the form did not come from this console" : "Refused";
      return c.html(
        messagePage({ title: "Refused" }, heading, [error.message || "Reload the page and try again."]),
        error.status as ContentfulStatusCode,
      );
    }
    core.deps.logger.error("ops console error", {
      requestId: c.get("requestId"),
      error: `${error.name}: ${error.message}`,
    });
    return c.html(
      messagePage({ title: "Error" }, "Something went wrong", [
        `The error is logged under request id ${c.get("requestId")}.`,
      ]),
      500,
    );
  });
  return ops;
};

export const registerOpsConsole = (app: Hono<AppEnv>, deps: AppDeps, options?: OpsConsoleOptions) => {
  app.route("/ops", createOpsConsole(deps, options));
};
