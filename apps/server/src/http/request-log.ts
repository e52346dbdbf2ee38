import { IDENTIFIER_PATTERN } from "@payreq/contracts";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppDeps, AppEnv, CallState } from "./env.ts";

const HEALTH_CHECKS = new Set(["/healthz", "/readyz"]);

/**
 * The route template the request matched (`/pay/:token`), never its path: paths hold ids and bearer payment
 * tokens, and as a metric label would let any caller create series. The most specific route counts, so a
 * refusal by a middleware is still labelled with its route; a path no route has is `unmatched`.
 */
export const routeOf = (c: Context): string =>
  matchedRoutes(c)
    .map((route) => route.path)
    .filter((path) => path !== "*" && path !== "/*")
    .at(-1) ?? "unmatched";

/** The department of an API call (from its path, or a tRPC call's input) when it is an identifier at all. */
const departmentOf = (c: Context<AppEnv>): string | undefined => {
  const department = (c.get("call") as CallState | undefined)?.departmentUuid;
  return department !== undefined && IDENTIFIER_PATTERN.test(department) ? department : undefined;
};

/**
 * One log line and the request metrics per request, timed once. The line's fields are stable: time, level, msg,
 * requestId, method, route, status, ms, and department for calls that name one. Health checks are logged at
 * debug level only and not counted: a load balancer's probes would drown the rest.
 */
export const observeRequests = ({ core, metrics }: AppDeps) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeOf(c);
    const healthCheck = HEALTH_CHECKS.has(route);
    if (!healthCheck) metrics.request(route, c.req.method, c.res.status, seconds);
    const { logger } = core.deps;
    const fields = {
      requestId: c.get("requestId"),
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
      department: departmentOf(c),
    };
    if (healthCheck) logger.debug?.("request", fields);
    else logger.info("request", fields);
  });
