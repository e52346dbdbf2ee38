import type { PaymentUrlSettings } from "../domain/payment-request.ts";
import type { IdempotencyStore } from "../idempotency/idempotency-keys.ts";
import type { TemplateStore } from "../notify/template-store.ts";
import type { Clock, IdGenerator } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { Notifier } from "../ports/notifier.ts";
import type { PaymentsPlatform } from "../ports/platform.ts";
import type { ProgramRunner, Store } from "../ports/store.ts";

/** What a call needs, passed in: the store and its program runner, the platform, delivery, time and ids. */
export type CallDeps = {
  store: Store;
  /** Runs the send path's transactions (programs) where the store keeps its connection. */
  run: ProgramRunner;
  platform: PaymentsPlatform;
  notifier: Notifier;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  metrics: Metrics;
  deliveryTimeoutMs: number;
  idempotency: IdempotencyStore;
  templates: TemplateStore;
  paymentUrls: PaymentUrlSettings;
};
