import type { Metrics } from "@payreq/core";
import { Counter, Histogram, type Registry } from "prom-client";
import { CALL_SECONDS } from "./buckets.ts";

/**
 * Core's metrics port as Prometheus series. Every label value comes from core's own names: channels, the
 * configured providers (outbox, sms, smtp; `platform` in upstream mode), upstream steps and results, outcomes.
 */
export const createCoreMetrics = (registry: Registry): Metrics => {
  const registers = [registry];
  const deliveries = new Counter({
    name: "payreq_deliveries_total",
    help: "Texts and emails handed to a provider, by channel, provider and result (SUCCESS: accepted)",
    labelNames: ["channel", "provider", "result"] as const,
    registers,
  });
  const upstreamAttempts = new Counter({
    name: "payreq_upstream_requests_total",
    help: "Attempts at calls to the payments platform by step and result (ok, refused, rejected, failed, timeout, circuit_open)",
    labelNames: ["step", "result"] as const,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: "payreq_upstream_request_duration_seconds",
    help: "Time of each attempt at a call to the payments platform, by step",
    labelNames: ["step"] as const,
    buckets: CALL_SECONDS,
    registers,
  });
  const upstreamRetries = new Counter({
    name: "payreq_upstream_retries_total",
    help: "Failed attempts at the payments platform that were tried again, by step",
    labelNames: ["step"] as const,
    registers,
  });
  const uncertain = new Counter({
    name: "payreq_messages_uncertain_total",
    help: "Messages a resumed call did not send again because an earlier attempt may have handed them to the provider (message.uncertain), by channel",
    labelNames: ["channel"] as const,
    registers,
  });
  const webhookAttempts = new Counter({
    name: "payreq_webhook_attempts_total",
    help: "Webhook delivery attempts by result: delivered, retry (failed, tried again later), failed (no more tries), gone (410: endpoint disabled)",
    labelNames: ["result"] as const,
    registers,
  });
  const webhookLatency = new Histogram({
    name: "payreq_webhook_attempt_duration_seconds",
    help: "Time of each webhook delivery attempt, until the receiver's answer (or the timeout)",
    buckets: CALL_SECONDS,
    registers,
  });
  const webhookDisabled = new Counter({
    name: "payreq_webhook_endpoints_disabled_total",
    help: "Webhook endpoints the dispatcher disabled (a 410 answer, or failing for 5 days)",
    registers,
  });
  const payments = new Counter({
    name: "payreq_payments_total",
    help: "Card payments by result: paid (recorded on the invoice), refunded (a second payment of a paid invoice, refunded), failed, expired (a session left unpaid)",
    labelNames: ["result"] as const,
    registers,
  });
  const collected = new Counter({
    name: "payreq_payments_collected_cents_total",
    help: "Amount collected by card, in cents, by department (one series per department of the database)",
    labelNames: ["department"] as const,
    registers,
  });
  const auditRows = new Counter({
    name: "payreq_audit_rows_written_total",
    help: "Audit rows committed, by the outcome they record",
    labelNames: ["outcome"] as const,
    registers,
  });
  const auditFailures = new Counter({
    name: "payreq_audit_rows_failed_total",
    help: "Audit rows that could not be written (the call was answered; its row is in the log line instead)",
    registers,
  });
  return {
    delivery(channel, provider, result) {
      deliveries.inc({ channel, provider, result });
    },
    upstreamAttempt(step, result, seconds) {
      upstreamAttempts.inc({ step, result });
      if (result !== "circuit_open") upstreamDuration.observe({ step }, seconds);
    },
    upstreamRetry(step) {
      upstreamRetries.inc({ step });
    },
    messageUncertain(channel) {
      uncertain.inc({ channel });
    },
    webhookAttempt(result, seconds) {
      webhookAttempts.inc({ result });
      webhookLatency.observe(seconds);
    },
    webhookEndpointDisabled() {
      webhookDisabled.inc();
    },
    payment(result, departmentUuid, amountCents) {
      payments.inc({ result });
      if (result === "paid") collected.inc({ department: departmentUuid }, amountCents);
    },
    auditRow(outcome, writing) {
      writing.then(
        () => auditRows.inc({ outcome }),
        () => auditFailures.inc(),
      );
      return writing;
    },
  };
};
