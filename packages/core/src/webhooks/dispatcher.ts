import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { ProgramRunner, Store } from "../ports/store.ts";
import { type WebhookAnswer, type WebhookSender, WebhookUnanswered } from "../ports/webhook-sender.ts";
import {
  type ClaimedDelivery,
  claimDueProgram,
  fanOutProgram,
  recordAttemptProgram,
  recoverClaimsProgram,
} from "./dispatch-programs.ts";
import { getEndpoint, validSecrets } from "./endpoint-rows.ts";
import { DISABLE_AFTER_FAILING_MS, verdictOf } from "./retry-schedule.ts";
import { webhookHeaders } from "./signature.ts";

export type DispatcherDeps = {
  store: Store;
  run: ProgramRunner;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  sender: WebhookSender;
};

export type DispatcherSettings = {
  /** The waits after each failed attempt (Standard Webhooks' by default; PAYREQ_WEBHOOK_RETRY_SCHEDULE). */
  scheduleMs: readonly number[];
  /** How long one attempt may take (15 s). */
  timeoutMs: number;
  /** Attempts under way at once in this process, and per endpoint. */
  concurrency: number;
  perEndpoint: number;
};

export const DEFAULT_DISPATCHER_SETTINGS: Omit<DispatcherSettings, "scheduleMs"> = {
  timeoutMs: 15_000,
  concurrency: 32,
  perEndpoint: 3,
};

/**
 * The dispatcher of one process: each `runOnce` gives back abandoned claims, fans new events out, claims due
 * deliveries as far as it has room, and attempts each (a few per endpoint at a time); `idle` waits for the
 * attempts under way. Every attempt is signed anew and recorded with what follows from it.
 */
export const createWebhookDispatcher = (deps: DispatcherDeps, settings: DispatcherSettings) => {
  const { store, run, clock, logger, metrics, sender } = deps;
  const inFlight = new Set<Promise<void>>();
  const busy = new Map<string, number>();
  const waiting: ClaimedDelivery[] = [];
  const freed: (() => void)[] = [];

  const attempt = async (delivery: ClaimedDelivery): Promise<void> => {
    const [event, endpoint] = await Promise.all([
      store.sql.get<{ id: string; body: string }>("select id, body from webhook_events where id = ?", [
        delivery.eventId,
      ]),
      getEndpoint(store.sql, delivery.endpointId),
    ]);
    // Removed meanwhile (its deliveries went with it).
    if (!event || !endpoint) return;
    const at = clock.now();
    const started = performance.now();
    let answer: WebhookAnswer | undefined;
    let error: string | null = null;
    try {
      answer = await sender.post({
        url: endpoint.url,
        headers: webhookHeaders(validSecrets(endpoint, at), event.id, at, event.body),
        body: event.body,
        timeoutMs: settings.timeoutMs,
      });
    } catch (failure) {
      error = failure instanceof WebhookUnanswered ? failure.message : "the attempt failed";
    }
    const seconds = (performance.now() - started) / 1000;
    const now = clock.now();
    const verdict = verdictOf(answer, delivery.attempts, {
      now,
      schedule: settings.scheduleMs,
      replaying: delivery.replaying === 1,
    });
    const { disabled } = await run(recordAttemptProgram, {
      delivery,
      at,
      statusCode: answer?.status ?? null,
      latencyMs: Math.round(seconds * 1000),
      response: answer?.body ?? null,
      error,
      verdict,
      disableIfFailingSince: now - DISABLE_AFTER_FAILING_MS,
    });
    metrics.webhookAttempt(verdict.outcome, seconds);
    if (disabled) {
      metrics.webhookEndpointDisabled();
      logger.warn("webhook endpoint disabled", { endpointId: endpoint.id, reason: disabled });
    }
  };

  const start = (delivery: ClaimedDelivery) => {
    busy.set(delivery.endpointId, (busy.get(delivery.endpointId) ?? 0) + 1);
    const running: Promise<void> = attempt(delivery)
      .catch((error: unknown) =>
        // Its claim is given back by recoverClaimsProgram when it outlives its time.
        logger.error("webhook attempt not recorded", { deliveryId: delivery.id, error: String(error) }),
      )
      .finally(() => {
        inFlight.delete(running);
        for (const wake of freed.splice(0)) wake();
        busy.set(delivery.endpointId, (busy.get(delivery.endpointId) ?? 1) - 1);
        const next = waiting.findIndex((w) => (busy.get(w.endpointId) ?? 0) < settings.perEndpoint);
        if (next >= 0) start(waiting.splice(next, 1)[0] as ClaimedDelivery);
      });
    inFlight.add(running);
  };

  return {
    /** One turn: what it fanned out and claimed, and how much room it had for claims. */
    async runOnce(): Promise<{ fannedOut: number; claimed: number; room: number }> {
      await run(recoverClaimsProgram, {});
      const fannedOut = await run(fanOutProgram, { limit: 500 });
      const room = settings.concurrency - inFlight.size - waiting.length;
      if (room <= 0) return { fannedOut, claimed: 0, room: 0 };
      // Long enough for every claim of this turn to wait its endpoint's turn and be attempted.
      const rounds = Math.ceil(room / settings.perEndpoint) + 1;
      const claimed = await run(claimDueProgram, {
        limit: room,
        claimedUntil: clock.now() + rounds * settings.timeoutMs + 30_000,
      });
      for (const delivery of claimed) {
        if ((busy.get(delivery.endpointId) ?? 0) < settings.perEndpoint) start(delivery);
        else waiting.push(delivery);
      }
      return { fannedOut, claimed: claimed.length, room };
    },
    /** Resolves when an attempt under way ends (at once when none is). */
    roomFreed(): Promise<void> {
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise((resolve) => freed.push(resolve));
    },
    /** Resolves once every attempt this process started has been recorded. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    get inFlight() {
      return inFlight.size + waiting.length;
    },
  };
};

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
