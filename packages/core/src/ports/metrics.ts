import type { DeliveryResult } from "@payreq/contracts";
import type { Channel } from "../domain/delivery.ts";

/**
 * How one HTTP attempt at the payments platform ended: `refused` is a refusal of the caller's request passed on
 * (an unknown order), `rejected` a refusal or answer this service cannot use (its credential refused, an
 * unexpected shape), `failed` no usable answer (5xx, connection error), `circuit_open` not attempted.
 */
export type UpstreamResult = "ok" | "refused" | "rejected" | "failed" | "timeout" | "circuit_open";

export type WebhookAttemptResult = "delivered" | "retry" | "failed" | "gone";

/**
 * What a card payment came to: paid (recorded on its invoice), refunded (a second payment of an invoice already
 * paid, refunded automatically), failed (an asynchronous payment that did not go through), expired (a session
 * left unpaid).
 */
export type PaymentResult = "paid" | "refunded" | "failed" | "expired";

/** The audit outcome a row records (see outcomeOf). */
export type AuditOutcome = "SUCCESS" | "REJECTED" | "FAILED";

/**
 * What core reports for the operations team's metrics; the server turns it into Prometheus series. Passed in
 * (never a module singleton, so every test builds its own), with a no-op default. Values are bounded by
 * construction: channels, providers and steps are core's own names, never a caller's input.
 */
export type Metrics = {
  /** A text or an email handed to its provider: accepted (SUCCESS) or refused, failed or timed out (FAILURE). */
  delivery(channel: Channel, provider: string, result: DeliveryResult): void;
  /** One attempt at a call to the payments platform (each retry is an attempt of its own). */
  upstreamAttempt(step: string, result: UpstreamResult, seconds: number): void;
  /** A failed attempt that is about to be tried again. */
  upstreamRetry(step: string): void;
  /** A message a resumed call did not send again because an earlier attempt may have (message.uncertain). */
  messageUncertain(channel: Channel): void;
  /**
   * One attempt at a webhook delivery and how it ended: delivered, retry (failed, tried again later), failed (no
   * more tries), gone (410: the endpoint is disabled).
   */
  webhookAttempt(result: WebhookAttemptResult, seconds: number): void;
  /** An endpoint disabled by the dispatcher (410, or failing for 5 days). */
  webhookEndpointDisabled(): void;
  /** A card payment's end; a paid one adds its amount to the department's total collected. */
  payment(result: PaymentResult, departmentUuid: string, amountCents: number): void;
  /** Counts the audit row `writing` commits (or fails to); returns `writing` unchanged. */
  auditRow<T>(outcome: AuditOutcome, writing: Promise<T>): Promise<T>;
};

export const noMetrics: Metrics = {
  delivery() {},
  upstreamAttempt() {},
  upstreamRetry() {},
  messageUncertain() {},
  webhookAttempt() {},
  webhookEndpointDisabled() {},
  payment() {},
  auditRow: (_outcome, writing) => writing,
};
