import { Counter, Histogram, type Registry } from "prom-client";
import { CALL_SECONDS } from "./buckets.ts";

/** Node's parser accepts dozens of methods; the service answers these, and counts the rest as one. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export const methodLabel = (method: string) => (METHODS.has(method) ? method : "other");

/**
 * Requests by route template (`/pay/:token`, never the path itself, which holds ids and payment tokens), method
 * and status. Routes are the app's own, methods are bounded above, statuses are the few the service answers.
 */
export const createHttpMetrics = (registry: Registry) => {
  const requests = new Counter({
    name: "payreq_http_requests_total",
    help: "HTTP requests answered, by route template, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "payreq_http_request_duration_seconds",
    help: "Time from a request's arrival to its answer, by route template and method",
    labelNames: ["route", "method"] as const,
    buckets: CALL_SECONDS,
    registers: [registry],
  });
  return {
    request(route: string, method: string, status: number, seconds: number): void {
      const m = methodLabel(method);
      requests.inc({ route, method: m, status: String(status) });
      duration.observe({ route, method: m }, seconds);
    },
  };
};
