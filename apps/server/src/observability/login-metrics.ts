import type { Authenticator } from "@payreq/core";
import { Counter, type Registry } from "prom-client";
import type { Authentication } from "../authentication.ts";
import { scrapedCounter } from "./scraped-metrics.ts";

const RESULTS: Record<string, string> = {
  NULL_CREDENTIALS: "missing",
  WRONG_CREDENTIAL: "wrong",
  TOO_MANY_ATTEMPTS: "throttled",
  SERVICE_BUSY: "busy",
  STORE_UNAVAILABLE: "unavailable",
};

/** Logins of both transports by result, and the authenticator's own counts. */
export const createLoginMetrics = (
  registry: Registry,
  authenticator: () => Pick<Authenticator, "stats"> | undefined,
) => {
  const logins = new Counter({
    name: "payreq_logins_total",
    help: "Credential checks by result: ok, missing, wrong (a failed login), throttled (429), busy (503), unavailable",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  scrapedCounter(
    registry,
    "payreq_password_hashes_total",
    "Password hashes computed (a verified credential is cached, so a well-behaved caller costs one per 5 minutes)",
    () => authenticator()?.stats.hashes,
  );
  scrapedCounter(
    registry,
    "payreq_login_cache_hits_total",
    "Logins answered from the verified-credential cache",
    () => authenticator()?.stats.cacheHits,
  );
  scrapedCounter(
    registry,
    "payreq_login_slowed_total",
    "Logins made to wait because their username is under attack from other addresses",
    () => authenticator()?.stats.slowed,
  );
  return {
    login(result: Authentication): void {
      logins.inc({ result: result.ok ? "ok" : (RESULTS[result.error] ?? "refused") });
    },
  };
};
