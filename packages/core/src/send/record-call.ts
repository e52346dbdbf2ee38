import type { AuditEntry } from "../audit/write-audit.ts";
import { insertAuditRow, outcomeOf, withRequestBodyColumn } from "../audit/write-audit.ts";
import { type DeliveryRows, recordDelivery } from "../embedded/record-delivery.ts";
import type { Clock } from "../ids.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Notifier, PaymentsBackend } from "../ports.ts";
import { defineProgram, type ProgramRunner } from "../store/program.ts";
import type { Store } from "../store/sql.ts";
import { finishKey, type IdempotencyStore, type StoredResponse } from "./idempotency.ts";
import type { TemplateStore } from "./template-store.ts";

export type CallDeps = {
  store: Store;
  /** Runs the send path's transactions (programs) where the store keeps its connection. */
  run: ProgramRunner;
  backend: PaymentsBackend;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  deliveryTimeoutMs: number;
  idempotency: IdempotencyStore;
  templates: TemplateStore;
};

export type RecordCallArgs = {
  entry: AuditEntry;
  /** The embedded backend's record of the delivery: per-channel results and outbox rows. */
  delivery?: DeliveryRows | undefined;
  /** The call's idempotency key, finished with its stored answer. */
  finish?: { id: number; response: StoredResponse } | undefined;
};

/** The call's audit row, with its last domain writes, in one commit (shared with other calls' on each store). */
export const recordCallProgram = defineProgram<RecordCallArgs, void>(
  "record-call",
  async (tx, { entry, delivery, finish }, context) => {
    if (delivery) await recordDelivery(tx, delivery, context);
    if (finish) await finishKey(tx, finish.id, finish.response, context.clock);
    await insertAuditRow(tx, entry, context);
  },
  { grouped: true },
);

export const recordCall = (deps: Pick<CallDeps, "run" | "metrics">, args: RecordCallArgs): Promise<void> =>
  deps.metrics.auditRow(
    outcomeOf(args.entry.status),
    deps.run(recordCallProgram, { ...args, entry: withRequestBodyColumn(args.entry) }),
  );
