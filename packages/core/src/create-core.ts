import {
  type AuthenticatorOptions,
  createAuthenticator,
  DEFAULT_AUTHENTICATOR_OPTIONS,
} from "./auth/authenticator.ts";
import { createCredentialStore } from "./auth/credential-store.ts";
import type { ScryptParams } from "./auth/password-hash.ts";
import { createUuidV7Generator } from "./domain/ids.ts";
import type { PaymentUrlSettings } from "./domain/payment-request.ts";
import { createIdempotencyStore } from "./idempotency/idempotency-keys.ts";
import { observeNotifier } from "./notify/observed-notifier.ts";
import { createTemplateStore } from "./notify/template-store.ts";
import { startCheckout } from "./payments/checkout.ts";
import { refundDoublePayments } from "./payments/double-payments.ts";
import { handleProcessorEvent } from "./payments/processor-events.ts";
import { sendPendingReceipts } from "./payments/receipts.ts";
import { createEmbeddedPlatform } from "./platform/embedded/embedded-platform.ts";
import type { CardProcessor } from "./ports/card-processor.ts";
import { type Clock, type IdGenerator, systemClock } from "./ports/clock.ts";
import { type Logger, silentLogger } from "./ports/logger.ts";
import { type Metrics, noMetrics } from "./ports/metrics.ts";
import { createOutboxNotifier, type Notifier } from "./ports/notifier.ts";
import type { PaymentsPlatform } from "./ports/platform.ts";
import { programRunner, type Store } from "./ports/store.ts";
import type { WebhookSender } from "./ports/webhook-sender.ts";
import type { CallDeps } from "./send/call-deps.ts";
import { createHttpWebhookSender } from "./webhooks/http/http-webhook-sender.ts";
import { createWebhookApi } from "./webhooks/manage-endpoints.ts";

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
  /** The payments platform: the embedded one on `store` unless another (upstream mode) is given. */
  platform?: PaymentsPlatform;
  /** Where webhooks go (and which destinations are allowed): public https:// only by default. */
  webhookSender?: WebhookSender;
  scrypt?: ScryptParams;
  authentication?: Partial<AuthenticatorOptions>;
  /** The card processor of the payment page (Stripe); without one, the page takes no payment. */
  cardProcessor?: CardProcessor;
};

export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

/** Wires the domain: the embedded platform and the outbox notifier unless others are given. */
export const createCore = (options: CoreOptions) => {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createUuidV7Generator(clock);
  const { store, paymentUrls } = options;
  const run = programRunner(store, clock, ids);
  const platform = options.platform ?? createEmbeddedPlatform({ store, run, paymentUrls });
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const notifier = options.notifier ?? createOutboxNotifier(ids);
  const metrics = options.metrics ?? noMetrics;
  const deps: CallDeps = {
    store,
    run,
    platform,
    notifier: options.metrics ? observeNotifier(notifier, metrics) : notifier,
    clock,
    ids,
    logger: options.logger ?? silentLogger,
    metrics,
    deliveryTimeoutMs,
    templates: createTemplateStore(store, clock),
    idempotency: createIdempotencyStore(store, run, clock, {
      // A claim outlives the longest call: both channels' timeouts, plus the steps.
      lockMs: Math.max(30_000, 2 * deliveryTimeoutMs + 10_000),
    }),
    paymentUrls,
  };
  const credentials = createCredentialStore(store, clock, options.scrypt ? { scrypt: options.scrypt } : {});
  const authenticator = createAuthenticator(store, credentials, clock, {
    ...DEFAULT_AUTHENTICATOR_OPTIONS,
    ...options.authentication,
  });
  const webhookSender = options.webhookSender ?? createHttpWebhookSender({ allowPrivate: false });
  const webhooks = createWebhookApi({ ...deps, webhookSender });
  const processor = options.cardProcessor;
  const payments = processor
    ? {
        processor,
        startCheckout: (page: Parameters<typeof startCheckout>[1], token: string) =>
          startCheckout({ ...deps, processor }, page, token),
        handleEvent: (event: Parameters<typeof handleProcessorEvent>[1]) => handleProcessorEvent(deps, event),
        refundDoublePayments: (only?: string) => refundDoublePayments({ ...deps, processor }, only),
      }
    : undefined;
  /** Receipts are sent with or without a processor (a payment may have been taken before it was turned off). */
  const sendReceipts = () => sendPendingReceipts(deps);
  return {
    store,
    deps,
    credentials,
    authenticator,
    clock,
    ids,
    paymentUrls,
    webhookSender,
    webhooks,
    payments,
    sendReceipts,
  };
};

export type Core = ReturnType<typeof createCore>;
