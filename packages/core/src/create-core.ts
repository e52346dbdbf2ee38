import {
  type AuthenticatorOptions,
  createAuthenticator,
  DEFAULT_AUTHENTICATOR_OPTIONS,
} from "./auth/authenticator.ts";
import { createCredentialStore } from "./auth/credential-store.ts";
import type { ScryptParams } from "./auth/password-hash.ts";
import type { PaymentUrlSettings } from "./embedded/create-payment-request.ts";
import { createEmbeddedBackend } from "./embedded/embedded-backend.ts";
import { type Clock, createUuidV7Generator, type IdGenerator, systemClock } from "./ids.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { type Metrics, noMetrics } from "./metrics/metrics.ts";
import { observeNotifier } from "./metrics/observed-notifier.ts";
import { createOutboxNotifier } from "./notify/outbox-notifier.ts";
import type { Notifier, PaymentsBackend } from "./ports.ts";
import { createIdempotencyStore } from "./send/idempotency.ts";
import type { CallDeps } from "./send/record-call.ts";
import { createTemplateStore } from "./send/template-store.ts";
import { programRunner } from "./store/program.ts";
import type { Store } from "./store/sql.ts";

export type CoreOptions = {
  store: Store;
  paymentUrls: PaymentUrlSettings;
  deliveryTimeoutMs?: number;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** Where the operations metrics go; none by default. */
  metrics?: Metrics;
  notifier?: Notifier;
  backend?: PaymentsBackend;
  scrypt?: ScryptParams;
  authentication?: Partial<AuthenticatorOptions>;
};

export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

/** Wires the domain: the embedded backend and the outbox notifier unless others are given. */
export const createCore = (options: CoreOptions) => {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createUuidV7Generator(clock);
  const { store } = options;
  const run = programRunner(store, clock, ids);
  const backend =
    options.backend ?? createEmbeddedBackend({ store, run, clock, ids, paymentUrls: options.paymentUrls });
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const notifier = options.notifier ?? createOutboxNotifier(ids);
  const metrics = options.metrics ?? noMetrics;
  const deps: CallDeps = {
    store,
    run,
    backend,
    notifier: options.metrics ? observeNotifier(notifier, metrics) : notifier,
    clock,
    logger: options.logger ?? silentLogger,
    metrics,
    deliveryTimeoutMs,
    templates: createTemplateStore(store, clock),
    idempotency: createIdempotencyStore(store, run, clock, {
      // A claim outlives the longest call: both channels' timeouts, plus the steps.
      lockMs: Math.max(30_000, 2 * deliveryTimeoutMs + 10_000),
    }),
  };
  const credentials = createCredentialStore(store, clock, options.scrypt ? { scrypt: options.scrypt } : {});
  const authenticator = createAuthenticator(store, credentials, clock, {
    ...DEFAULT_AUTHENTICATOR_OPTIONS,
    ...options.authentication,
  });
  return { store, deps, credentials, authenticator, clock, ids, paymentUrls: options.paymentUrls };
};

export type Core = ReturnType<typeof createCore>;
