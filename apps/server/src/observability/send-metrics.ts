import { ERRORS, findErrorEntry, WARNING_CATALOG } from "@payreq/contracts";
import { type Metrics, outcomeOf, type SendResult } from "@payreq/core";
import { Counter, Histogram, type Registry } from "prom-client";
import { boundedLabel } from "./bounded-label.ts";
import { CALL_SECONDS, STEP_SECONDS } from "./buckets.ts";

/** Departments that keep a series of their own; more share `department="other"` (see docs/operations.md). */
export const MAX_DEPARTMENT_LABELS = 1000;

const STEPS = new Set(["department", "order", "invoice", "payment-request", "delivery"]);
const DEPARTMENT_NOT_FOUND = ERRORS.INVALID_DEPARTMENT_TOKEN.code;
const KEY_CONFLICTS = new Map<number, string>([
  [ERRORS.IDEMPOTENCY_KEY_IN_USE.code, "in_use"],
  [ERRORS.IDEMPOTENCY_KEY_REUSED.code, "reused"],
]);
const WARNING_TITLES = new Map(WARNING_CATALOG.map((entry) => [entry.code, entry.title]));

export type SendCall = {
  transport: string;
  /** As the caller gave it: labelled only once the call has shown that such a department exists. */
  departmentUuid: unknown;
  seconds: number;
  /** Upstream mode: the platform delivered, and the call's answer is all this service knows of it. */
  remoteDelivery: boolean;
};

/**
 * The department looked up and found: its step ended "ok" and the call was not refused for an unknown
 * department. Refused calls before the lookup (400, 403) and unknown departments are never labelled, so a
 * caller cannot create series by inventing ids.
 */
const departmentFound = (result: SendResult, errorCode: number | undefined) =>
  errorCode !== DEPARTMENT_NOT_FOUND &&
  result.timeline.some((entry) => entry.step === "department" && entry.result === "ok");

/** Send Payment Request as its callers saw it: outcomes, latency, steps, errors, warnings, idempotency. */
export const createSendMetrics = (registry: Registry, delivery: Metrics["delivery"]) => {
  const registers = [registry];
  const calls = new Counter({
    name: "payreq_send_requests_total",
    help: "Send Payment Request calls by transport, department and audit outcome (SUCCESS, REJECTED, FAILED)",
    labelNames: ["transport", "department", "outcome"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "payreq_send_duration_seconds",
    help: "Time core took for a Send Payment Request call, audit row included, by transport and outcome",
    labelNames: ["transport", "outcome"] as const,
    buckets: CALL_SECONDS,
    registers,
  });
  const steps = new Histogram({
    name: "payreq_send_step_duration_seconds",
    help: "Time of each step of the send path (department, order, invoice, payment-request, delivery)",
    labelNames: ["step", "result"] as const,
    buckets: STEP_SECONDS,
    registers,
  });
  const errors = new Counter({
    name: "payreq_send_errors_total",
    help: "Refused or failed Send Payment Request calls by their first error code",
    labelNames: ["code", "title"] as const,
    registers,
  });
  const warnings = new Counter({
    name: "payreq_send_warnings_total",
    help: "Warnings in successful Send Payment Request answers, by code",
    labelNames: ["code", "title"] as const,
    registers,
  });
  const idempotency = new Counter({
    name: "payreq_idempotency_total",
    help: "Calls with an Idempotency-Key that were replayed, resumed, or refused as in use (409) or reused (422)",
    labelNames: ["result"] as const,
    registers,
  });
  const departments = boundedLabel(MAX_DEPARTMENT_LABELS);

  return {
    send(result: SendResult, call: SendCall): void {
      const outcome = outcomeOf(result.status);
      const errorCode = result.status === 200 ? undefined : result.body.errors[0]?.errorCode;
      const department =
        typeof call.departmentUuid === "string" && departmentFound(result, errorCode)
          ? departments(call.departmentUuid)
          : "unknown";
      calls.inc({ transport: call.transport, department, outcome });
      duration.observe({ transport: call.transport, outcome }, call.seconds);
      for (const entry of result.timeline) {
        if (!STEPS.has(entry.step)) continue;
        steps.observe(
          { step: entry.step, result: entry.result === "ok" ? "ok" : "error" },
          entry.durationMs / 1000,
        );
      }
      if (errorCode !== undefined) {
        const known = findErrorEntry(errorCode);
        errors.inc(
          known ? { code: String(known.code), title: known.title } : { code: "other", title: "other" },
        );
        const conflict = KEY_CONFLICTS.get(errorCode);
        if (conflict) idempotency.inc({ result: conflict });
      }
      if (result.replayed) idempotency.inc({ result: "replayed" });
      if (result.timeline.some((entry) => entry.step === "resume")) idempotency.inc({ result: "resumed" });
      if (result.status !== 200) return;
      for (const item of result.body.warnings) {
        const title = WARNING_TITLES.get(item.warningCode);
        warnings.inc(title ? { code: String(item.warningCode), title } : { code: "other", title: "other" });
      }
      const { body } = result;
      if (call.remoteDelivery && !result.replayed && "paymentUrl" in body) {
        if (body.textSent) delivery("text", "platform", body.textSent);
        if (body.emailSent) delivery("email", "platform", body.emailSent);
      }
    },
  };
};
