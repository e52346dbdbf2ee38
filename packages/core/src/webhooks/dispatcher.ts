import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { ProgramRunner, Store } from "../ports/store.ts";
import { type WebhookAnswer, type WebhookSender, WebhookUnanswered } from "../ports/webhook-sender.ts";
import {
  type AttemptRecord,
  type ClaimedDelivery,
  claimDueProgram,
  fanOutProgram,
  hasClaims,
  hasDueDeliveries,
  hasUnfannedEvents,
  recordAttemptsProgram,
  recoverClaimsProgram,
  releaseClaimsProgram,
} from "./dispatch-programs.ts";
import { type EndpointRow, endpointsByIds, validSecrets } from "./endpoint-rows.ts";
import { eventBodiesByIds } from "./events.ts";
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

/** How often a dispatcher looks for claims whose process stopped (and at its first turn). */
const RECOVER_EVERY_MS = 5_000;

/** The most attempts recorded in one commit. */
const RECORD_BATCH = 200;

export const DEFAULT_DISPATCHER_SETTINGS: Omit<DispatcherSettings, "scheduleMs"> = {
  timeoutMs: 15_000,
  concurrency: 32,
  perEndpoint: 3,
};

/** A claimed delivery with what its attempt sends: the event's body and the endpoint as it was at the claim. */
type Work = { delivery: ClaimedDelivery; body: string; endpoint: EndpointRow };

/**
 * The dispatcher of one process: each `runOnce` gives back abandoned claims, fans new events out, claims due
 * deliveries as far as it has room, and attempts each (a few per endpoint at a time); `idle` waits for the
 * attempts under way. Every attempt is signed anew; the attempts that end together are recorded, with what
 * follows from each, in one commit.
 */
export const createWebhookDispatcher = (deps: DispatcherDeps, settings: DispatcherSettings) => {
  const { store, run, clock, logger, metrics, sender } = deps;
  const inFlight = new Set<Promise<void>>();
  const busy = new Map<string, number>();
  const waiting: Work[] = [];
  /** Endpoints this dispatcher disabled: what it still holds for them is given back, not sent. */
  const disabledHere = new Set<string>();
  /** Waiters for room: woken when a quarter of the process's attempts (or all of them) have ended. */
  const freed: (() => void)[] = [];
  const batch = Math.max(1, Math.floor(settings.concurrency / 4));
  const room = () => settings.concurrency - inFlight.size - waiting.length;
  let recoveredAt = Number.NEGATIVE_INFINITY;

  /** Attempts ended and not yet recorded, written by one flush at a time (what ends meanwhile waits for the next). */
  const unrecorded: {
    record: AttemptRecord;
    done: (disabled: string | null) => void;
    fail: (e: unknown) => void;
  }[] = [];
  let flushing = false;
  const flush = async () => {
    while (unrecorded.length > 0) {
      const taken = unrecorded.splice(0, RECORD_BATCH);
      try {
        const disabled = await run(
          recordAttemptsProgram,
          taken.map((t) => t.record),
        );
        for (const [i, t] of taken.entries()) t.done(disabled[i] ?? null);
      } catch (error) {
        for (const t of taken) t.fail(error);
      }
    }
    flushing = false;
  };
  const record = (attemptRecord: AttemptRecord) =>
    new Promise<string | null>((done, fail) => {
      unrecorded.push({ record: attemptRecord, done, fail });
      if (!flushing) {
        flushing = true;
        void flush();
      }
    });

  const attempt = async ({ delivery, body, endpoint }: Work): Promise<void> => {
    const at = clock.now();
    const started = performance.now();
    let answer: WebhookAnswer | undefined;
    let error: string | null = null;
    try {
      answer = await sender.post({
        url: endpoint.url,
        headers: webhookHeaders(validSecrets(endpoint, at), delivery.eventId, at, body),
        body,
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
    const disabled = await record({
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
      disabledHere.add(endpoint.id);
      metrics.webhookEndpointDisabled();
      logger.warn("webhook endpoint disabled", { endpointId: endpoint.id, reason: disabled });
    }
  };

  /** Hands claims of endpoints disabled here back (pending, their attempt not counted). */
  const giveBack = (works: Work[]) => {
    if (works.length === 0) return;
    const releasing: Promise<void> = run(
      releaseClaimsProgram,
      works.map((w) => w.delivery.id),
    )
      .catch((error: unknown) =>
        // Taken back by recoverClaimsProgram when they outlive their time.
        logger.error("webhook claims not given back", { error: String(error) }),
      )
      .finally(() => inFlight.delete(releasing));
    inFlight.add(releasing);
  };

  const start = (work: Work) => {
    const { endpointId } = work.delivery;
    busy.set(endpointId, (busy.get(endpointId) ?? 0) + 1);
    const running: Promise<void> = attempt(work)
      .catch((error: unknown) =>
        // Its claim is given back by recoverClaimsProgram when it outlives its time.
        logger.error("webhook attempt not recorded", { deliveryId: work.delivery.id, error: String(error) }),
      )
      .finally(() => {
        inFlight.delete(running);
        busy.set(endpointId, (busy.get(endpointId) ?? 1) - 1);
        giveBack(takeWaiting((w) => disabledHere.has(w.delivery.endpointId)));
        const next = waiting.findIndex((w) => (busy.get(w.delivery.endpointId) ?? 0) < settings.perEndpoint);
        if (next >= 0) start(waiting.splice(next, 1)[0] as Work);
        if (room() >= batch || inFlight.size === 0) for (const wake of freed.splice(0)) wake();
      });
    inFlight.add(running);
  };

  const takeWaiting = (which: (work: Work) => boolean): Work[] => {
    const taken = waiting.filter(which);
    if (taken.length > 0) waiting.splice(0, waiting.length, ...waiting.filter((w) => !which(w)));
    return taken;
  };

  return {
    /**
     * One turn: what it fanned out and claimed, and how much room it had for claims. Each step looks first, by a
     * read, whether it has anything to do: an idle turn writes nothing.
     */
    async runOnce(): Promise<{ fannedOut: number; claimed: number; room: number }> {
      if (clock.now() - recoveredAt >= RECOVER_EVERY_MS) {
        recoveredAt = clock.now();
        if (await hasClaims(store.sql)) await run(recoverClaimsProgram, {});
      }
      const fannedOut = (await hasUnfannedEvents(store.sql)) ? await run(fanOutProgram, { limit: 500 }) : 0;
      const free = room();
      if (free <= 0) return { fannedOut, claimed: 0, room: 0 };
      if (!(await hasDueDeliveries(store.sql, clock.now()))) return { fannedOut, claimed: 0, room: free };
      // Long enough for every claim of this turn to wait its endpoint's turn and be attempted.
      const rounds = Math.ceil(free / settings.perEndpoint) + 1;
      const claimed = await run(claimDueProgram, {
        limit: free,
        claimedUntil: clock.now() + rounds * settings.timeoutMs + 30_000,
      });
      if (claimed.length === 0) return { fannedOut, claimed: 0, room: free };
      const [bodies, endpoints] = await Promise.all([
        eventBodiesByIds(store.sql, [...new Set(claimed.map((d) => d.eventId))]),
        endpointsByIds(store.sql, [...new Set(claimed.map((d) => d.endpointId))]),
      ]);
      for (const delivery of claimed) {
        const body = bodies.get(delivery.eventId);
        const endpoint = endpoints.get(delivery.endpointId);
        // Removed meanwhile (its deliveries went with it).
        if (body === undefined || !endpoint) continue;
        const work = { delivery, body, endpoint };
        disabledHere.delete(endpoint.id);
        if ((busy.get(endpoint.id) ?? 0) < settings.perEndpoint) start(work);
        else waiting.push(work);
      }
      return { fannedOut, claimed: claimed.length, room: free };
    },
    /** Resolves when a batch of attempts under way has ended (at once when none is under way). */
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
