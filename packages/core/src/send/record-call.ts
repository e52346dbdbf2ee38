import type { AuditEntry } from "../audit/write-audit.ts";
import { insertAuditRow, outcomeOf } from "../audit/write-audit.ts";
import type { Clock } from "../ids.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Notifier, PaymentsBackend } from "../ports.ts";
import type { Sql, Store } from "../store/sql.ts";
import type { IdempotencyStore } from "./idempotency.ts";
import type { TemplateStore } from "./template-store.ts";

export type CallDeps = {
  store: Store;
  backend: PaymentsBackend;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  deliveryTimeoutMs: number;
  idempotency: IdempotencyStore;
  templates: TemplateStore;
};

/** Writes the call's audit row, together with `alongside` (the call's last domain writes) in one commit. */
export const recordCall = (
  deps: Pick<CallDeps, "store" | "clock" | "metrics">,
  entry: AuditEntry,
  alongside?: (tx: Sql) => Promise<void>,
): Promise<void> =>
  deps.metrics.auditRow(
    outcomeOf(entry.status),
    deps.store.transaction(
      async (tx) => {
        if (alongside) await alongside(tx);
        await insertAuditRow(deps.store, tx, entry, deps.clock);
      },
      { grouped: true },
    ),
  );
