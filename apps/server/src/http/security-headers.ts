import { secureHeaders } from "hono/secure-headers";

type Csp = NonNullable<Parameters<typeof secureHeaders>[0]>["contentSecurityPolicy"];

/** Nothing may load, frame or submit anything: the policy of JSON answers and of any page without its own. */
const LOCKED_DOWN: Csp = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/** Server-rendered pages (payment page, ops console): their own styles, scripts and images, nothing inline. */
export const PAGE_CSP: Csp = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * Swagger UI sets style attributes, loads its icons as data: URLs and fetches /openapi.json; its script is served
 * from /docs.
 */
export const DOCS_CSP: Csp = {
  ...PAGE_CSP,
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
};

const common = (hsts: boolean) =>
  ({
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    strictTransportSecurity: hsts ? "max-age=31536000; includeSubDomains" : false,
  }) as const;

/**
 * Every response: nosniff, no framing, no referrer, a locked-down CSP unless a page set its own, HSTS when the
 * service is served over TLS, and `Cache-Control: no-store` unless the route chose a cache policy (answers hold
 * personal data and payment links).
 */
export const securityHeaders = (options: { hsts: boolean }) => {
  const headers = secureHeaders({
    ...common(options.hsts),
    contentSecurityPolicy: LOCKED_DOWN,
    overwrite: false,
  });
  return async (c: Parameters<typeof headers>[0], next: Parameters<typeof headers>[1]) => {
    await headers(c, next);
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
};

/** A page's own policy, applied inside the global middleware (which then keeps it). */
export const pageSecurityHeaders = (csp: Csp, options: { hsts: boolean }) =>
  secureHeaders({ ...common(options.hsts), contentSecurityPolicy: csp });
